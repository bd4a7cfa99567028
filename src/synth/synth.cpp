// Synthetic national datasets (docs/synth.md). Everything random comes from one seeded RNG of
// our own (splitmix64 seeding xoshiro256**) through integer sampling, so the bytes are the same
// on every platform and compiler. The few doubles (profile coefficients, exp2 of count
// weights) use basic IEEE operations only (compiled with -ffp-contract=off).
#include "inovasi/synth.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <optional>
#include <ostream>
#include <string_view>

#include "scoring/rules.hpp"
#include "io/json_text.hpp"
#include "inovasi/error.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/submission.hpp"
#include "inovasi/validate.hpp"

namespace inovasi {

namespace {

__extension__ typedef unsigned __int128 uint128;

// ---------------------------------------------------------------------------------------------
// Random numbers

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// The seed of one independent stream (0 = the region pass, 1 = a region's levels, 2 = a
// region's descriptive fields in JSONL only), so columns and JSONL draw the same levels.
std::uint64_t stream_seed(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  std::uint64_t x = seed;
  std::uint64_t a = splitmix64(x);
  x = a ^ (stream * 0xD1B54A32D192ED03ull);
  std::uint64_t b = splitmix64(x);
  x = b ^ (index * 0xA0761D6478BD642Full);
  return splitmix64(x);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  std::uint64_t next() {  // xoshiro256**
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), unbiased (Lemire's multiply-and-reject).
  std::uint32_t below(std::uint32_t n) {
    std::uint64_t m = static_cast<std::uint64_t>(static_cast<std::uint32_t>(next() >> 32)) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t t = static_cast<std::uint32_t>(-n) % n;
      while (low < t) {
        m = static_cast<std::uint64_t>(static_cast<std::uint32_t>(next() >> 32)) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }
  // True with probability p / 65536.
  bool chance(std::uint32_t p_q16) { return (next() >> 48) < p_q16; }
  // Approximately standard normal in Q12 (4096 = 1 sd): Irwin–Hall sum of four uniforms,
  // bounded at ±3.46 sd. Integer only.
  std::int32_t normal() { return normal_of(next()); }
  static std::int32_t normal_of(std::uint64_t r) {
    const std::int64_t s = static_cast<std::int64_t>((r & 0xFFFF) + ((r >> 16) & 0xFFFF) + ((r >> 32) & 0xFFFF) + (r >> 48));
    // sd of the sum = 65535 × sqrt(4/12) ≈ 37836.5
    return static_cast<std::int32_t>((s - 131070) * 4096 / 37836);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// 2^x with basic IEEE operations only (no libm transcendental, whose last bit differs between
// platforms): Horner series of e^(f ln 2) for the fractional part, exact ldexp for the rest.
double exp2_portable(double x) {
  const double n = std::floor(x);
  const double y = (x - n) * 0.69314718055994530942;
  double p = 1.0;
  for (int i = 14; i >= 1; --i) p = 1.0 + p * y / i;
  return std::ldexp(p, static_cast<int>(n));
}

constexpr std::int32_t q12(double v) { return static_cast<std::int32_t>(v * 4096.0 + (v < 0 ? -0.5 : 0.5)); }
constexpr std::uint32_t q16(double p) { return static_cast<std::uint32_t>(p * 65536.0 + 0.5); }

// ---------------------------------------------------------------------------------------------
// The "national" profile. Targets and sources (docs/model.md §9); [U] marks our assumptions.

struct Profile {
  // §9, 2024: 529 of the 552 regions reported 31,719 innovations (submitted, rejected
  // included). We allocate exactly this many counted innovations over the reporting regions.
  std::size_t regions = 552;
  std::size_t reporting = 529;
  std::size_t innovations = 31719;
  // §9, 2024 stage counts: initiative 1,347; trial 1,258; applied 29,114.
  std::uint32_t stage_weights[3] = {1347, 1258, 29114};
  // [U] drafts beside the counted innovations (never counted), share of the counted ones.
  std::uint32_t draft_q16 = q16(0.05);
  // [U] assessors reject about 6 % of submitted innovations (no published share).
  std::uint32_t rejected_q16 = q16(0.06);
  // [U] digital share of innovations; second affair for 10 % of innovations.
  std::uint32_t digital_q16 = q16(0.55);
  std::uint32_t second_affair_q16 = q16(0.10);
  // Latent capacity c ~ N(0,1) per region, shifted by type [U]: cities and provinces have more
  // planning staff than kabupaten.
  std::int32_t capacity_kota = q12(0.40), capacity_province = q12(0.30);
  // Innovation counts ∝ 2^(count_capacity·c + count_noise·z + type shift) [U]: a log-normal
  // spread like the published regional counts (tens to several hundred per region).
  double count_capacity = 0.75, count_noise = 0.65, count_province = 0.6, count_kota = 0.1;
  // Government (SPD) level = round(spd_mean + spd_capacity·c + U(±spd_noise)), clamped [U];
  // SID level = round(sid_mean + sid_capacity·c + stage shift + sid_innovation·z + U(±sid_noise)).
  // The capacity slope is steeper below the mean ([0] for c < 0, [1] above): the published
  // scores have a longer low tail (19.8 % Kurang Inovatif, 8.6 % Sangat Inovatif in 2022).
  // Tuned so that the mean IID and the category shares match §9 (docs/synth.md).
  std::int32_t spd_mean = q12(2.13), spd_capacity[2] = {q12(0.60), q12(0.16)}, spd_noise = q12(1.10);
  std::int32_t sid_mean = q12(1.61), sid_capacity[2] = {q12(0.40), q12(0.10)}, sid_innovation = q12(0.35),
               sid_noise = q12(1.05);
  std::int32_t stage_shift[3] = {q12(-0.60), q12(-0.30), 0};
  // Evidence quality e = 0.6·c + 0.8·z [U]; defect probability per answer
  // clamp(defect_mean − defect_slope·e, defect_min, defect_max) [U].
  std::int32_t evidence_capacity = q12(0.6), evidence_noise = q12(0.8);
  std::int32_t defect_mean = q12(0.15), defect_slope = q12(0.06), defect_min = q12(0.02),
               defect_max = q12(0.35);
  // Clusters: "tertinggal" = kabupaten below capacity −1.05 sd (≈ 15 %, about the 62 lagging
  // kabupaten of Perpres 63/2020) [U]; "perbatasan" = a quarter of the kabupaten/kota of the
  // border provinces [U]; "papua" = every region of the six Papua provinces.
  std::int32_t tertinggal_below = q12(-1.05);
  std::uint32_t border_q16 = q16(0.25);
};

constexpr Profile kNational{};

// Regions per province (kabupaten, kota), Kemendagri codes (reference data: 416 kabupaten and
// 98 kota, DKI Jakarta's administrative ones included). Names are synthetic.
struct ProvinceLayout {
  const char* code;
  int kabupaten, kota;
  bool border;
};
constexpr ProvinceLayout kProvinces[] = {
    {"11", 18, 5, true},  {"12", 25, 8, true},  {"13", 12, 7, false}, {"14", 10, 2, true},
    {"15", 9, 2, false},  {"16", 13, 4, false}, {"17", 9, 1, false},  {"18", 13, 2, false},
    {"19", 6, 1, false},  {"21", 5, 2, true},   {"31", 1, 5, false},  {"32", 18, 9, false},
    {"33", 29, 6, false}, {"34", 4, 1, false},  {"35", 29, 9, false}, {"36", 4, 4, false},
    {"51", 8, 1, false},  {"52", 8, 2, false},  {"53", 21, 1, true},  {"61", 12, 2, true},
    {"62", 13, 1, false}, {"63", 11, 2, false}, {"64", 7, 3, true},   {"65", 4, 1, true},
    {"71", 11, 4, true},  {"72", 12, 1, false}, {"73", 21, 3, false}, {"74", 15, 2, false},
    {"75", 5, 1, false},  {"76", 6, 0, false},  {"81", 9, 2, true},   {"82", 8, 2, true},
    {"91", 8, 1, true},   {"92", 7, 0, true},   {"93", 4, 0, true},   {"94", 8, 0, false},
    {"95", 8, 0, true},   {"96", 5, 1, true}};

// Affairs (urusan) with the department that usually runs them. Weights: kesehatan 6,220 and
// pendidikan 3,279 are the 2023 counts of §9 (of 28,539); the other 19,040 are spread over the
// remaining affairs by our judgement [U], each below pendidikan.
struct AffairInfo {
  const char* name;
  const char* department;
  const char* label;  // for synthetic innovation names
  std::uint32_t weight;
};
constexpr AffairInfo kAffairs[] = {
    {"kesehatan", "Dinas Kesehatan", "Sehat", 6220},
    {"pendidikan", "Dinas Pendidikan", "Cerdas", 3279},
    {"administrasi kependudukan dan pencatatan sipil", "Dinas Kependudukan dan Pencatatan Sipil", "Dukcapil", 1500},
    {"komunikasi dan informatika", "Dinas Komunikasi dan Informatika", "Digital", 1500},
    {"pekerjaan umum dan penataan ruang", "Dinas Pekerjaan Umum dan Penataan Ruang", "Infrastruktur", 1300},
    {"sosial", "Dinas Sosial", "Peduli", 1200},
    {"pertanian", "Dinas Pertanian", "Tani", 1000},
    {"penanaman modal", "Dinas Penanaman Modal dan PTSP", "Investasi", 900},
    {"lingkungan hidup", "Dinas Lingkungan Hidup", "Hijau", 900},
    {"keuangan", "Badan Pengelolaan Keuangan dan Aset Daerah", "Keuangan", 900},
    {"pemberdayaan perempuan dan pelindungan anak", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "Perempuan", 800},
    {"pemberdayaan masyarakat dan desa", "Dinas Pemberdayaan Masyarakat dan Desa", "Desa", 800},
    {"ketenteraman, ketertiban umum dan pelindungan masyarakat", "Satuan Polisi Pamong Praja", "Aman", 700},
    {"tenaga kerja", "Dinas Tenaga Kerja", "Kerja", 700},
    {"perhubungan", "Dinas Perhubungan", "Transportasi", 700},
    {"koperasi, usaha kecil, dan menengah", "Dinas Koperasi dan UKM", "UMKM", 700},
    {"perencanaan", "Badan Perencanaan Pembangunan Daerah", "Rencana", 600},
    {"perumahan rakyat dan kawasan permukiman", "Dinas Perumahan dan Kawasan Permukiman", "Rumah", 600},
    {"pangan", "Dinas Ketahanan Pangan", "Pangan", 500},
    {"pengendalian penduduk dan keluarga berencana", "Dinas Pengendalian Penduduk dan KB", "Keluarga", 500},
    {"pariwisata", "Dinas Pariwisata", "Wisata", 500},
    {"perpustakaan", "Dinas Perpustakaan", "Literasi", 400},
    {"kelautan dan perikanan", "Dinas Kelautan dan Perikanan", "Bahari", 400},
    {"perdagangan", "Dinas Perdagangan", "Pasar", 400},
    {"kepemudaan dan olahraga", "Dinas Pemuda dan Olahraga", "Muda", 300},
    {"kebudayaan", "Dinas Kebudayaan", "Budaya", 300},
    {"perindustrian", "Dinas Perindustrian", "Industri", 220},
    {"kearsipan", "Dinas Kearsipan", "Arsip", 200},
    {"statistik", "Dinas Komunikasi dan Informatika", "Data", 120}};
constexpr std::size_t kAffairCount = sizeof(kAffairs) / sizeof(kAffairs[0]);

constexpr const char* kNameWords[] = {"Gerakan", "Layanan", "Sistem", "Aplikasi", "Program", "Sahabat", "Gerai", "Kampung"};
constexpr const char* kForms[] = {"public_service", "governance", "other"};
constexpr std::uint32_t kFormWeights[] = {60, 30, 10};  // [U]
constexpr const char* kStageNames[] = {"initiative", "trial", "applied"};
constexpr const char* kFactNames[] = {"signed", "names_innovation", "highlighted", "in_force",
                                      "on_behalf_of_regional_head", "has_cover"};
constexpr int kFacts = 6;
constexpr int kAppliedYears = 3;  // [U] innovations applied in T-2 … T-0

struct RegionMeta {
  std::string code, name, province;
  RegionType type = RegionType::kabupaten;
  bool border_province = false, papua = false;
};

std::vector<RegionMeta> national_layout() {
  std::vector<RegionMeta> out;
  for (const auto& p : kProvinces) {
    const std::string pc = p.code, prov = province_of_code(pc);
    const bool papua = pc[0] == '9';
    out.push_back({pc, "Provinsi " + prov, prov, RegionType::province, false, papua});
  }
  for (const auto& p : kProvinces) {
    const std::string pc = p.code, prov = province_of_code(pc);
    const bool papua = pc[0] == '9';
    auto two = [](int v) { return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10); };
    for (int k = 1; k <= p.kabupaten; ++k) {
      std::string code = pc + "." + two(k);
      out.push_back({code, "Kabupaten Sintetis " + code, prov, RegionType::kabupaten, p.border, papua});
    }
    for (int k = 1; k <= p.kota; ++k) {
      std::string code = pc + "." + two(70 + k);
      out.push_back({code, "Kota Sintetis " + code, prov, RegionType::kota, p.border, papua});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evidence templates: for each answer (row, claimed level, innovation kind, applied year) an
// item list that check_answer() accepts in full, found by search over the edition's own rules,
// and controlled defects of it with the supported level check_answer() gives them.

struct ItemSpec {
  std::string kind, file, date, group, value, duration, verdict;
  std::optional<int> year;
  int facts[kFacts] = {};  // 0 unstated, 1 false, 2 true
};

// value and duration are the text of exact numbers (hundredths_text_short, Decimal).
void append_item(detail::JsonWriter& w, const ItemSpec& it) {
  w.begin_object();
  w.str("kind", it.kind);
  if (!it.file.empty()) w.str("file", it.file);
  if (!it.date.empty()) w.str("date", it.date);
  if (it.year) w.num("year", *it.year);
  if (!it.group.empty()) w.str("group", it.group);
  if (!it.value.empty()) w.number_text("value", it.value);
  for (int f = 0; f < kFacts; ++f)
    if (it.facts[f]) w.boolean(kFactNames[f], it.facts[f] == 2);
  if (!it.duration.empty()) w.number_text("duration_s", it.duration);
  if (!it.verdict.empty()) w.str("verdict", it.verdict);
  w.end_object();
}

std::string items_json(const std::vector<ItemSpec>& items) {
  std::string s;
  detail::JsonWriter w(s);
  w.begin_array();
  for (const auto& it : items) append_item(w, it);
  w.end_array();
  return s;
}

// What check_answer() says of one written answer (the policy columns' values).
struct CheckOutcome {
  bool parsed = false;
  int supported = 0;
  bool error = false;
  std::uint8_t supported_cap = 0, assessor_cap = 0;
  std::uint16_t acceptance = kAcceptanceOne;  // acceptance_q16
};

struct Mutation {
  std::string evidence;  // JSON array
  std::uint8_t cap = 0;  // min(claimed, supported)
  CheckOutcome outcome;
};

struct Cell {
  bool rules = false;     // the row has evidence rules
  bool found = false;     // a fully supporting template exists
  std::string evidence;   // JSON array of the template
  std::vector<ItemSpec> items;
  std::vector<Mutation> mutations;
  CheckOutcome full;  // the template's check
  CheckOutcome bare;  // the answer written without evidence
};

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class TemplateBuilder {
 public:
  explicit TemplateBuilder(EditionPtr ed) : edp_(std::move(ed)), ed_(*edp_), t0_(ed_.t0_year()) {}

  // cells[row index][level][kind variant][year variant]
  std::vector<std::vector<std::array<std::array<Cell, kAppliedYears + 1>, 2>>> build() {
    std::vector<std::vector<std::array<std::array<Cell, kAppliedYears + 1>, 2>>> cells(ed_.rows.size());
    for (std::size_t r = 0; r < ed_.rows.size(); ++r) {
      const Row& row = ed_.rows[r];
      cells[r].resize(static_cast<std::size_t>(ed_.level_max) + 1);
      if (!row.evidence) continue;
      const bool gov = row.aspect_index == 0;
      bool by_kind = false, by_year = false;
      for (const auto& rule : row.evidence->rules) {
        by_kind = by_kind || !rule.innovation_kinds.empty();
        by_year = by_year || rule.type == EvidenceRule::Type::applied_year;
      }
      for (int k = ed_.level_min + 1; k <= ed_.level_max; ++k)
        for (int kv = 0; kv < 2; ++kv)
          for (int yv = 0; yv <= kAppliedYears; ++yv) {
            Cell& c = cells[r][k][kv][yv];
            if ((kv && (gov || !by_kind)) || (yv && (gov || !by_year))) {
              c = cells[r][k][by_kind && !gov ? kv : 0][by_year && !gov ? yv : 0];
              continue;
            }
            c.rules = true;
            find_template(static_cast<int>(r), k, kv, yv, c);
            if (c.found) add_mutations(static_cast<int>(r), k, kv, yv, c, k > ed_.level_min + 1 ? &cells[r][k - 1][kv][yv] : nullptr);
          }
    }
    // Every claim written without evidence (drafts, rejected innovations, no template; rows
    // without rules), checked as it is written.
    for (std::size_t r = 0; r < ed_.rows.size(); ++r)
      for (int k = ed_.level_min + 1; k <= ed_.level_max; ++k)
        for (int kv = 0; kv < 2; ++kv)
          for (int yv = 0; yv <= kAppliedYears; ++yv)
            cells[r][k][kv][yv].bare = verify(static_cast<int>(r), k, kv, yv, {});
    return cells;
  }

  std::vector<CheckOutcome> absent_outcomes() const {
    std::vector<CheckOutcome> out;
    for (std::size_t r = 0; r < ed_.rows.size(); ++r) out.push_back(verify_absent(static_cast<int>(r)));
    return out;
  }

 private:
  EditionPtr edp_;
  const Edition& ed_;
  int t0_;

  using Outcome = CheckOutcome;

  static const char* kind_name(int kv) { return kv ? "non_digital" : "digital"; }
  int applied_year(int yv) const { return t0_ - kAppliedYears + yv; }  // yv 1..3 → T-2..T-0

  // The evidence item the JSON of `it` (append_item) reads as.
  static EvidenceItem item_of(const ItemSpec& it) {
    EvidenceItem e;
    e.kind = it.kind;
    e.file = it.file;
    if (!it.file.empty()) e.file_type = file_type_of(it.file);
    e.date = it.date;
    e.year = it.year;
    e.group = it.group;
    if (!it.value.empty()) e.value = Decimal::parse(it.value);
    Tri* facts[kFacts] = {&e.signed_, &e.names_innovation, &e.highlighted, &e.in_force, &e.on_behalf_of_regional_head,
                          &e.has_cover};
    for (int f = 0; f < kFacts; ++f)
      if (it.facts[f]) *facts[f] = it.facts[f] == 2 ? Tri::yes : Tri::no;
    if (!it.duration.empty()) e.duration_s = Decimal::parse(it.duration);
    if (it.verdict == "accepted") e.verdict = Verdict::accepted;
    else if (it.verdict == "revision") e.verdict = Verdict::revision;
    else if (it.verdict == "rejected") e.verdict = Verdict::rejected;
    return e;
  }

  // The check of one candidate answer, built in memory and validated with the readers' rules
  // (validate): a candidate the rules refuse is a bug of the search, so it throws.
  // The check of row r's answer not given at all (the generator leaves level_min unwritten).
  Outcome verify_absent(int r) const { return verify(r, 0, 0, 0, {}, true); }

  Outcome verify(int r, int level, int kv, int yv, const std::vector<ItemSpec>& items, bool absent = false) const {
    const Row& row = ed_.rows[r];
    Submission sub;
    sub.edition = edp_;
    sub.region.code = "00";
    sub.region.type = RegionType::province;
    sub.region.province = province_of_code(sub.region.code);
    sub.government.assign(ed_.rows.size(), Answer{});
    const bool gov = row.aspect_index == 0;
    Answer* a = nullptr;
    if (gov) {
      a = &sub.government[static_cast<std::size_t>(r)];
    } else {
      Innovation& inv = sub.innovations.emplace_back();
      inv.id = "t";
      inv.status = Status::submitted;
      inv.kind = kv ? Kind::non_digital : Kind::digital;
      if (yv) inv.applied_date = std::to_string(applied_year(yv)) + "-07-01";
      inv.answers = Answers(ed_.rows.size());
      if (!absent) a = &inv.answers.edit(static_cast<std::size_t>(r));
    }
    if (!absent) {
      a->present = true;
      a->level = level;
      a->level_given = true;
      a->evidence.reserve(items.size());
      for (const auto& it : items) a->evidence.push_back(item_of(it));
    }
    validate(sub);
    AnswerCheck c = check_answer(sub, gov ? -1 : 0, r);
    Outcome o;
    o.parsed = true;
    o.supported = c.supported;
    o.error = c.has_error;
    o.supported_cap = static_cast<std::uint8_t>(c.supported_cap);
    o.assessor_cap = static_cast<std::uint8_t>(c.assessor_cap);
    o.acceptance = acceptance_q16(c.acceptance);
    return o;
  }

  bool applies(const EvidenceRule& rule, const std::string& kind, int kv, bool gov) const {
    if (!rule.kinds.empty() && !contains(rule.kinds, kind)) return false;
    if (!rule.innovation_kinds.empty() && (gov || !contains(rule.innovation_kinds, kind_name(kv)))) return false;
    return true;
  }

  ItemSpec make_item(int r, const std::string& kind, int kv, int yv) const {
    const Row& row = ed_.rows[r];
    const bool gov = row.aspect_index == 0;
    ItemSpec it;
    it.kind = kind;
    std::vector<std::string> allowed;
    bool typed = false, dated = false, applied = false;
    int date_to = 0, year_to = -1;
    for (const auto& rule : row.evidence->rules) {
      if (!applies(rule, kind, kv, gov)) continue;
      switch (rule.type) {
        case EvidenceRule::Type::file_type:
          if (!typed) allowed = rule.file_types;
          else
            allowed.erase(std::remove_if(allowed.begin(), allowed.end(), [&](const std::string& t) { return !contains(rule.file_types, t); }),
                          allowed.end());
          typed = true;
          break;
        case EvidenceRule::Type::window:
          if (rule.on_year) year_to = std::max(year_to, rule.to);
          else {
            dated = true;
            date_to = std::max(date_to, rule.to);
          }
          break;
        case EvidenceRule::Type::applied_year:
          applied = true;
          break;
        case EvidenceRule::Type::requires_fact:
        case EvidenceRule::Type::companion:
          it.facts[static_cast<int>(rule.fact)] = 2;
          break;
        case EvidenceRule::Type::max_duration: {
          auto s = rule.max_seconds.scaled(0);
          it.duration = s && *s > 60 ? std::to_string(*s - 60) : rule.max_seconds.to_string();
          break;
        }
        default:
          break;
      }
    }
    // File type: the kind's natural type when the rules allow it.
    std::vector<std::string> prefer;
    if (kind == "video") prefer = {"mp4", "mov", "link"};
    else if (kind == "link") prefer = {"link"};
    else if (kind == "photo" || kind == "screenshot" || kind == "press_clipping") prefer = {"jpg", "png", "jpeg"};
    else prefer = {"pdf"};
    std::string type = typed ? (allowed.empty() ? std::string("pdf") : allowed.front()) : prefer.front();
    for (const auto& p : prefer)
      if (!typed || contains(allowed, p)) {
        type = p;
        break;
      }
    it.file = type == "link" ? "https://v.id/" + row.key : row.key + "." + type;
    if (applied && yv) it.date = std::to_string(applied_year(yv)) + "-03-01";
    else if (dated || applied) it.date = std::to_string(t0_ - date_to) + "-03-01";
    if (year_to >= 0) it.year = t0_ - year_to;
    return it;
  }

  // Keeps the shortest fully supporting candidate (small files); false = keep searching.
  bool accept(int r, int k, int kv, int yv, const std::vector<ItemSpec>& items, Cell& c) const {
    std::string ev = items_json(items);
    if (c.found && ev.size() >= c.evidence.size()) return false;
    Outcome o = verify(r, k, kv, yv, items);
    if (o.error || o.supported < k) return false;
    c.found = true;
    c.evidence = std::move(ev);
    c.items = items;
    c.full = o;
    return false;
  }

  void find_template(int r, int k, int kv, int yv, Cell& c) const {
    const Row& row = ed_.rows[r];
    const EvidenceRules& ev = *row.evidence;
    switch (ev.derivation) {
      case Derivation::by_kind: {
        // Tiers: kinds of exactly the claimed level, kinds supporting any claim, higher kinds.
        std::vector<std::vector<std::string>> tiers(2);
        for (const auto& kind : ev.kinds)
          if (auto it = ev.kind_level.find(kind); it != ev.kind_level.end()) {
            if (it->second == k) tiers[0].push_back(kind);
            else if (it->second == EvidenceRules::kClaim) tiers[1].push_back(kind);
          }
        for (int lv = k + 1; lv <= ed_.level_max; ++lv) {
          tiers.emplace_back();
          for (const auto& kind : ev.kinds)
            if (auto it = ev.kind_level.find(kind); it != ev.kind_level.end() && it->second == lv) tiers.back().push_back(kind);
        }
        for (const auto& tier : tiers) {
          for (const auto& kind : tier) accept(r, k, kv, yv, {make_item(r, kind, kv, yv)}, c);
          if (c.found) return;
        }
        for (const auto& tier : tiers) {  // a document that needs a companion (a law beside a decree)
          for (const auto& kind : tier)
            for (const auto& other : ev.kinds)
              if (other != kind) accept(r, k, kv, yv, {make_item(r, kind, kv, yv), make_item(r, other, kv, yv)}, c);
          if (c.found) return;
        }
        return;
      }
      case Derivation::by_value: {
        const Bands& b = row.input == InputKind::bases ? row.bases.at(row.default_basis) : *row.bands;
        std::vector<std::int64_t> cand;
        for (int pass = 0; pass < 2; ++pass)
          for (const auto& t : b.thresholds) {
            if ((t.level == k) != (pass == 0)) continue;
            auto h = t.value.scaled(2);
            if (!h) continue;
            for (std::int64_t d : {0, 1, -1, 100, -100, 200, -200}) cand.push_back(*h + d);
          }
        for (std::int64_t v : {0, 100, 500, 1000, 10000, 100000}) cand.push_back(v);
        for (std::int64_t h : cand) {
          if (b.input == InputKind::count && h % 100) continue;
          auto d = Decimal::parse(hundredths_text_short(h));
          if (!d || b.level_for(*d) != k) continue;
          for (const auto& kind : ev.kinds) {
            ItemSpec it = make_item(r, kind, kv, yv);
            it.value = hundredths_text_short(h);
            accept(r, k, kv, yv, {it}, c);
          }
          return;  // the first value of the level; other values would not help the kinds
        }
        return;
      }
      case Derivation::by_groups: {
        int count = -1;
        for (int n = 0; n <= 64 && count < 0; ++n)
          if (row.bands->level_for(Decimal::from_int(n)) == k) count = n;
        if (count <= 0) return;
        std::vector<std::vector<std::string>> kind_sets;  // the kinds one group holds
        std::vector<std::string> needed;
        for (const auto& rule : ev.rules)
          if (rule.type == EvidenceRule::Type::group_set)
            for (const auto& set : rule.needs)
              for (const auto& kind : set)
                if (contains(ev.kinds, kind)) {
                  if (!contains(needed, kind)) needed.push_back(kind);
                  break;
                }
        if (!needed.empty()) kind_sets.push_back(needed);
        for (const auto& kind : ev.kinds) kind_sets.push_back({kind});
        for (const auto& set : kind_sets) {
          std::vector<ItemSpec> items;
          for (int g = 1; g <= count; ++g)
            for (const auto& kind : set) {
              ItemSpec it = make_item(r, kind, kv, yv);
              it.group = std::to_string(g);
              items.push_back(std::move(it));
            }
          accept(r, k, kv, yv, items, c);
        }
        return;
      }
      case Derivation::by_years: {
        int from = 0, to = 0;
        for (const auto& rule : ev.rules)
          if (rule.type == EvidenceRule::Type::window && rule.on_year) {
            from = rule.from;
            to = rule.to;
          }
        const int width = std::min(from - to + 1, 8);
        std::vector<unsigned> masks;
        for (unsigned m = 1; m < (1u << width); ++m) masks.push_back(m);
        std::stable_sort(masks.begin(), masks.end(), [](unsigned a, unsigned b) { return __builtin_popcount(a) < __builtin_popcount(b); });
        for (unsigned m : masks) {
          std::vector<int> offsets;
          for (int i = 0; i < width; ++i)
            if (m & (1u << i)) offsets.push_back(to + i);
          if (row.level_for_years(offsets, ed_.level_min) != k) continue;
          for (const auto& kind : ev.kinds) {
            std::vector<ItemSpec> items;
            for (int off : offsets) {
              ItemSpec it = make_item(r, kind, kv, yv);
              it.year = t0_ - off;
              items.push_back(std::move(it));
            }
            accept(r, k, kv, yv, items, c);
          }
          if (c.found) return;  // the fewest years
        }
        return;
      }
    }
  }

  // Controlled defects of the template; kept when the check finds them (an error, or a lower
  // supported level), and the assessor's rejections, which only the assessor policy sees.
  void add_mutations(int r, int k, int kv, int yv, Cell& c, const Cell* lower) const {
    std::vector<std::vector<ItemSpec>> evidence_defects;
    evidence_defects.push_back({});  // missing evidence
    if (lower && lower->found) evidence_defects.push_back(lower->items);  // a kind supporting less
    const Row& row = ed_.rows[r];
    auto mutate = [&](auto&& f) {
      std::vector<ItemSpec> items = c.items;
      bool changed = false;
      for (auto& it : items) changed = f(it) || changed;
      if (changed) evidence_defects.push_back(std::move(items));
    };
    mutate([&](ItemSpec& it) {  // wrong file type
      if (it.file.empty()) return false;
      it.file = row.key + ".docx";
      return true;
    });
    for (int f = 0; f < kFacts; ++f)
      mutate([&](ItemSpec& it) {  // unsigned, not naming the innovation, ...
        if (it.facts[f] != 2) return false;
        it.facts[f] = 1;
        return true;
      });
    mutate([&](ItemSpec& it) {  // outside the date window
      bool ch = false;
      if (!it.date.empty()) it.date = std::to_string(t0_ - 6) + it.date.substr(4), ch = true;
      if (it.year) it.year = t0_ - 6, ch = true;
      return ch;
    });
    mutate([&](ItemSpec& it) {  // the value is not stated
      if (it.value.empty()) return false;
      it.value.clear();
      return true;
    });
    mutate([&](ItemSpec& it) {  // a video too long
      if (it.duration.empty()) return false;
      it.duration = "900";
      return true;
    });
    for (auto& items : evidence_defects) {
      Outcome o = verify(r, k, kv, yv, items);
      if (!o.error && o.supported >= k) continue;
      std::string ev = items_json(items);
      c.mutations.push_back({std::move(ev), static_cast<std::uint8_t>(std::min(k, o.supported)), o});
    }
    for (const char* verdict : {"rejected", "revision"}) {  // the assessor rejects the documents
      std::vector<ItemSpec> items = c.items;
      for (auto& it : items) it.verdict = verdict;
      Outcome o = verify(r, k, kv, yv, items);
      std::string ev = items_json(items);
      c.mutations.push_back({std::move(ev), static_cast<std::uint8_t>(std::min(k, o.supported)), o});
    }
  }
};

// ---------------------------------------------------------------------------------------------
// The generator

struct RegionPlan {
  std::uint32_t layout = 0, replica = 0;
  std::int32_t capacity = 0;
  std::uint32_t defect_q16 = 0;
  bool reporting = true, tertinggal = false, perbatasan = false;
  std::int64_t counted = 0, drafts = 0;
};

struct InnovationCore {
  std::uint8_t status = kSubmitted;  // kNotCounted (draft or ineligible), kSubmitted, kRejected
  bool draft = false;
  std::uint8_t stage = 2, kind = 0;  // kind 0 digital, 1 non-digital
  std::int16_t affair = 0, affair2 = -1;
  std::int32_t applied_day = -1;  // day index from 1 Jan of T-2; -1 none
};

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::string date_of(int first_year, int day) {
  int y = first_year;
  while (day >= (leap(y) ? 366 : 365)) day -= leap(y) ? 366 : 365, ++y;
  static constexpr int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = 0;
  while (true) {
    int len = mdays[m] + (m == 1 && leap(y) ? 1 : 0);
    if (day < len) break;
    day -= len;
    ++m;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m + 1, day + 1);
  return buf;
}

class Generator {
 public:
  explicit Generator(const SynthOptions& o) : opt_(o) {
    if (o.profile != "national")
      throw InputError("/profile", "unknown synthetic profile \"" + o.profile + "\" (known: national)");
    ed_ = o.edition ? o.edition : builtin_edition("iid-2023");
    const Edition& ed = *ed_;
    G_ = ed.government_rows.size();
    K_ = ed.innovation_rows.size();
    t0_ = ed.t0_year();
    target_ = o.target_innovations ? o.target_innovations : P.innovations;
    R_ = o.regions;
    if (!R_) {
      if (!o.target_innovations) R_ = P.regions;
      else {
        uint128 r = (static_cast<uint128>(P.regions) * target_ + P.innovations / 2) / P.innovations;
        R_ = static_cast<std::size_t>(std::clamp<uint128>(r, 1, 20000));
      }
    }
    if (R_ > 10'000'000) throw InputError("/regions", "at most 10,000,000 regions");
    layout_ = national_layout();
    for (std::size_t a = 0; a < kAffairCount; ++a) affair_total_ += kAffairs[a].weight;
    stage_total_ = P.stage_weights[0] + P.stage_weights[1] + P.stage_weights[2];
    days_ = 0;
    for (int y = t0_ - kAppliedYears + 1; y <= t0_; ++y) days_ += leap(y) ? 366 : 365;
    for (std::size_t a = 0; a < kAffairCount; ++a) {
      std::uint64_t bit = 0;
      if (ed.gate)
        for (std::size_t i = 0; i < ed.gate->affairs.size() && i < 64; ++i)
          if (ed.gate->affairs[i] == normalise_affair(kAffairs[a].name)) bit = 1ull << i;
      affair_bits_[a] = bit;
    }
    {
      TemplateBuilder tb(ed_);
      cells_ = tb.build();
      absent_ = tb.absent_outcomes();
    }
    build_caps();
    plan_regions();
  }

  const EditionPtr& edition() const { return ed_; }
  std::size_t regions() const { return R_; }
  std::size_t total_innovations() const { return total_; }
  const RegionPlan& plan(std::size_t r) const { return plans_[r]; }
  std::size_t G() const { return G_; }
  std::size_t K() const { return K_; }

  std::string code(std::size_t r) const {
    const auto& m = layout_[plans_[r].layout];
    return plans_[r].replica ? m.code + "-" + std::to_string(plans_[r].replica + 1) : m.code;
  }
  std::string name(std::size_t r) const {
    const auto& m = layout_[plans_[r].layout];
    return plans_[r].replica ? m.name + "-" + std::to_string(plans_[r].replica + 1) : m.name;
  }
  const RegionMeta& meta(std::size_t r) const { return layout_[plans_[r].layout]; }

  // One region's levels and caps. `mut` (may be null) receives each answer's defect: 0 none,
  // m > 0 = mutation m-1 of its cell. `per_innovation(j, core, levels, caps, muts)` is called
  // after each innovation, whose K levels/caps/muts live in the given buffers.
  template <class F>
  void region(std::size_t r, std::uint8_t* gov_levels, std::uint8_t* gov_caps, std::uint8_t* gov_mut,
              std::uint8_t* inv_levels, std::uint8_t* inv_caps, std::uint8_t* inv_mut, std::size_t stride, F&& per_innovation) const {
    const Edition& ed = *ed_;
    const RegionPlan& p = plans_[r];
    if (!p.reporting) {
      std::fill(gov_levels, gov_levels + G_, 0);
      std::fill(gov_caps, gov_caps + G_, 0);
      if (gov_mut) std::fill(gov_mut, gov_mut + G_, 0);
      return;
    }
    Rng rng(stream_seed(opt_.seed, 1, r));
    const std::int32_t spd_center = P.spd_mean + static_cast<std::int32_t>((static_cast<std::int64_t>(P.spd_capacity[p.capacity < 0 ? 0 : 1]) * p.capacity) >> 12);
    for (std::size_t g = 0; g < G_; ++g) {
      const int row = ed.government_rows[g];
      const std::uint64_t u = rng.next();
      const int level = quantize(spd_center, u, P.spd_noise);
      gov_levels[g] = static_cast<std::uint8_t>(level);
      std::uint8_t m = 0;
      gov_caps[g] = cap_of(row, level, 0, 0, u, p.defect_q16, true, m);
      if (gov_mut) gov_mut[g] = m;
    }
    const std::int32_t sid_center = P.sid_mean + static_cast<std::int32_t>((static_cast<std::int64_t>(P.sid_capacity[p.capacity < 0 ? 0 : 1]) * p.capacity) >> 12);
    std::int64_t drafts_left = p.drafts, slots_left = p.counted + p.drafts;
    const std::int64_t n = slots_left;
    for (std::int64_t j = 0; j < n; ++j, --slots_left) {
      InnovationCore c;
      c.draft = static_cast<std::int64_t>(rng.below(static_cast<std::uint32_t>(slots_left))) < drafts_left;
      Status drawn = Status::draft;
      if (c.draft)
        --drafts_left;
      else
        drawn = rng.chance(P.rejected_q16) ? Status::rejected : Status::submitted;
      const std::uint32_t s = rng.below(stage_total_);
      c.stage = s < P.stage_weights[0] ? 0 : s < P.stage_weights[0] + P.stage_weights[1] ? 1 : 2;
      c.kind = rng.chance(P.digital_q16) ? 0 : 1;
      c.affair = affair_of(rng.below(affair_total_));
      if (rng.chance(P.second_affair_q16)) {
        std::int16_t a2 = affair_of(rng.below(affair_total_));
        if (a2 != c.affair) c.affair2 = a2;
      }
      const std::uint32_t day = rng.below(days_);
      if (c.stage != 0) c.applied_day = static_cast<std::int32_t>(day);
      // The status column holds the rules layer's standing (drafts and ineligible: not counted);
      // the date is only written when the window could exclude it.
      const bool window = drawn != Status::draft && ed.eligibility && ed.eligibility->enabled && c.applied_day >= 0;
      c.status = static_cast<std::uint8_t>(
          detail::standing(drawn, !window || detail::eligible(ed, date_of(t0_ - kAppliedYears + 1, c.applied_day))));
      const int yv = c.applied_day < 0 ? 0 : applied_year_variant(c.applied_day);
      const std::int32_t center = sid_center + P.stage_shift[c.stage] +
                                  static_cast<std::int32_t>((static_cast<std::int64_t>(P.sid_innovation) * rng.normal()) >> 12);
      const bool evidence = c.status == kSubmitted || (c.status == kNotCounted && !c.draft);
      std::uint8_t* lv = inv_levels + j * stride;
      std::uint8_t* cp = inv_caps + j * stride;
      std::uint8_t* mu = inv_mut ? inv_mut + j * stride : nullptr;
      for (std::size_t k = 0; k < K_; ++k) {
        const std::uint64_t u = rng.next();
        const int level = quantize(center, u, P.sid_noise);
        lv[k] = static_cast<std::uint8_t>(level);
        std::uint8_t m = 0;
        cp[k] = cap_of(ed.innovation_rows[k], level, c.kind, yv, u, p.defect_q16, evidence, m);
        if (mu) mu[k] = m;
      }
      per_innovation(j, c, lv, cp, mu);
    }
  }

  const Cell& cell(int row, int level, int kv, int yv) const { return cells_[row][level][kv][yv]; }
  // check_answer() of the answer write_jsonl writes: `evidence` whether the innovation's answers
  // carry evidence (always for government rows), `mut` the answer's defect (region()).
  const CheckOutcome& outcome(int row, int level, int kv, int yv, bool evidence, std::uint8_t mut) const {
    if (level <= ed_->level_min) return absent_[row];
    const Cell& c = cells_[row][level][kv][yv];
    if (!evidence || !c.found) return c.bare;
    return mut ? c.mutations[mut - 1].outcome : c.full;
  }
  int year_variant(const InnovationCore& c) const { return c.applied_day < 0 ? 0 : applied_year_variant(c.applied_day); }
  int t0() const { return t0_; }
  std::uint64_t affair_bits(const InnovationCore& c) const {
    return affair_bits_[c.affair] | (c.affair2 >= 0 ? affair_bits_[c.affair2] : 0);
  }
  std::uint64_t seed() const { return opt_.seed; }

 private:
  static constexpr const Profile& P = kNational;
  SynthOptions opt_;
  EditionPtr ed_;
  std::size_t G_ = 0, K_ = 0, R_ = 0, target_ = 0, total_ = 0;
  int t0_ = 0;
  std::uint32_t affair_total_ = 0, stage_total_ = 0;
  std::uint32_t days_ = 365 * kAppliedYears;
  std::uint64_t affair_bits_[kAffairCount] = {};
  std::vector<RegionMeta> layout_;
  std::vector<RegionPlan> plans_;
  std::vector<std::vector<std::array<std::array<Cell, kAppliedYears + 1>, 2>>> cells_;
  std::vector<CheckOutcome> absent_;  // per row

  int applied_year_variant(std::int32_t day) const {
    int y = t0_ - kAppliedYears + 1, v = 1;
    while (day >= (leap(y) ? 366 : 365)) day -= leap(y) ? 366 : 365, ++y, ++v;
    return v;
  }

  std::int16_t affair_of(std::uint32_t x) const {
    for (std::size_t a = 0; a < kAffairCount; ++a) {
      if (x < kAffairs[a].weight) return static_cast<std::int16_t>(a);
      x -= kAffairs[a].weight;
    }
    return 0;
  }

  // round(center + U(±noise)) clamped to the edition's levels; the noise from u's low 16 bits.
  int quantize(std::int32_t center, std::uint64_t u, std::int32_t noise) const {
    const std::int64_t span = 2 * static_cast<std::int64_t>(noise) + 1;
    const std::int64_t x = center + static_cast<std::int64_t>(((u & 0xFFFF) * span) >> 16) - noise;
    const std::int64_t level = (x + 2048) >> 12;
    return static_cast<int>(std::clamp<std::int64_t>(level, ed_->level_min, ed_->level_max));
  }

  // The cells' caps, flat and small for the hot loop.
  struct CapCell {
    bool rules = false, found = false;
    std::uint8_t mutations = 0;
    std::array<std::uint8_t, 32> caps{};
  };
  std::vector<CapCell> caps_;
  std::size_t cap_index(int row, int level, int kv, int yv) const {
    return ((static_cast<std::size_t>(row) * (ed_->level_max + 1) + level) * 2 + kv) * (kAppliedYears + 1) + yv;
  }
  void build_caps() {
    caps_.assign(cap_index(static_cast<int>(ed_->rows.size()), 0, 0, 0), {});
    for (std::size_t r = 0; r < ed_->rows.size(); ++r)
      for (int lv = 0; lv <= ed_->level_max; ++lv)
        for (int kv = 0; kv < 2; ++kv)
          for (int yv = 0; yv <= kAppliedYears; ++yv) {
            const Cell& c = cells_[r][lv][kv][yv];
            CapCell& cc = caps_[cap_index(static_cast<int>(r), lv, kv, yv)];
            cc.rules = c.rules;
            cc.found = c.found;
            cc.mutations = static_cast<std::uint8_t>(std::min<std::size_t>(c.mutations.size(), cc.caps.size()));
            for (std::size_t m = 0; m < cc.mutations; ++m) cc.caps[m] = c.mutations[m].cap;
          }
  }

  // The supported cap of one answer: bits 16–31 of u decide a defect, bits 32–63 which one.
  std::uint8_t cap_of(int row, int level, int kv, int yv, std::uint64_t u, std::uint32_t defect_q16, bool evidence,
                      std::uint8_t& mut) const {
    mut = 0;
    if (level <= ed_->level_min) return static_cast<std::uint8_t>(level);
    const CapCell& c = caps_[cap_index(row, level, kv, yv)];
    if (!c.rules) return static_cast<std::uint8_t>(level);
    if (!evidence || !c.found) return static_cast<std::uint8_t>(ed_->level_min);
    if (((u >> 16) & 0xFFFF) < defect_q16 && c.mutations) {
      const std::size_t m = static_cast<std::size_t>(((u >> 32) * c.mutations) >> 32);
      mut = static_cast<std::uint8_t>(m + 1);
      return c.caps[m];
    }
    return static_cast<std::uint8_t>(level);
  }

  void plan_regions() {
    Rng g(stream_seed(opt_.seed, 0, 0));
    plans_.resize(R_);
    std::vector<std::uint64_t> weight(R_);
    for (std::size_t r = 0; r < R_; ++r) {
      RegionPlan& p = plans_[r];
      p.layout = static_cast<std::uint32_t>(r % layout_.size());
      p.replica = static_cast<std::uint32_t>(r / layout_.size());
      const RegionMeta& m = layout_[p.layout];
      const std::int32_t z0 = g.normal(), z1 = g.normal(), z2 = g.normal();
      const std::uint64_t u = g.next();
      p.capacity = z0 + (m.type == RegionType::kota ? P.capacity_kota : m.type == RegionType::province ? P.capacity_province : 0);
      const std::int64_t e = (static_cast<std::int64_t>(P.evidence_capacity) * p.capacity + static_cast<std::int64_t>(P.evidence_noise) * z1) >> 12;
      const std::int64_t d = std::clamp<std::int64_t>(P.defect_mean - ((static_cast<std::int64_t>(P.defect_slope) * e) >> 12),
                                                      P.defect_min, P.defect_max);
      p.defect_q16 = static_cast<std::uint32_t>(d * 16);  // Q12 → Q16
      p.tertinggal = m.type == RegionType::kabupaten && z0 < P.tertinggal_below;
      p.perbatasan = m.border_province && m.type != RegionType::province && (u >> 48) < P.border_q16;
      const double shift = m.type == RegionType::province ? P.count_province : m.type == RegionType::kota ? P.count_kota : 0.0;
      const double x = P.count_capacity * (p.capacity / 4096.0) + P.count_noise * (z2 / 4096.0) + shift;
      weight[r] = static_cast<std::uint64_t>(exp2_portable(x) * 65536.0);
    }
    // Regions that report nothing: an exact number (529 of 552 in 2024), chosen at random.
    const std::size_t silent = R_ == P.regions && !opt_.target_innovations
                                   ? P.regions - P.reporting
                                   : static_cast<std::size_t>((static_cast<uint128>(R_) * (P.regions - P.reporting) + P.regions / 2) / P.regions);
    std::vector<std::uint32_t> idx(R_);
    for (std::size_t r = 0; r < R_; ++r) idx[r] = static_cast<std::uint32_t>(r);
    for (std::size_t i = 0; i < silent && i + 1 < R_; ++i) {
      std::size_t j = i + g.below(static_cast<std::uint32_t>(R_ - i));
      std::swap(idx[i], idx[j]);
      plans_[idx[i]].reporting = false;
    }
    // Counted innovations: exactly the target, ∝ weight over the reporting regions (largest
    // remainder).
    uint128 W = 0;
    for (std::size_t r = 0; r < R_; ++r)
      if (plans_[r].reporting) W += weight[r];
    std::vector<std::pair<std::uint64_t, std::uint32_t>> rema;
    std::size_t given = 0;
    if (W > 0) {
      for (std::size_t r = 0; r < R_; ++r) {
        if (!plans_[r].reporting) continue;
        const uint128 t = static_cast<uint128>(target_) * weight[r];
        plans_[r].counted = static_cast<std::int64_t>(t / W);
        given += static_cast<std::size_t>(t / W);
        rema.push_back({static_cast<std::uint64_t>(t % W), static_cast<std::uint32_t>(r)});
      }
      std::sort(rema.begin(), rema.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
      for (std::size_t i = 0; given < target_ && i < rema.size(); ++i, ++given) ++plans_[rema[i].second].counted;
    }
    for (std::size_t r = 0; r < R_; ++r) {
      RegionPlan& p = plans_[r];
      if (p.reporting)  // stochastic rounding of counted × draft share
        p.drafts = static_cast<std::int64_t>((static_cast<std::uint64_t>(p.counted) * P.draft_q16 + (g.next() >> 48)) >> 16);
      total_ += static_cast<std::size_t>(p.counted + p.drafts);
    }
  }
};

const char* type_name(RegionType t) { return to_string(t); }

}  // namespace

std::vector<std::string> synth_profile_names() { return {"national"}; }

Columns generate_columns(const SynthOptions& options) {
  Generator gen(options);
  Columns c;
  c.edition = gen.edition();
  const Edition& ed = *c.edition;
  const std::size_t R = gen.regions(), N = gen.total_innovations(), G = gen.G(), K = gen.K();
  const bool v2 = options.policy_columns;
  c.regions = R;
  c.innovations = N;
  c.government_levels.resize(R * G);
  c.government_caps.resize(R * G);
  c.innovation_levels.resize(N * K);
  c.innovation_caps.resize(N * K);
  c.status.resize(N);
  c.affairs.resize(N);
  c.region_offsets.assign(R + 1, 0);
  c.codes.reserve(R);
  c.names.reserve(R);
  c.provinces.reserve(R);
  c.types.reserve(R);
  c.clusters.reserve(R);
  if (v2) {
    c.policy_caps = true;
    for (auto* v : {&c.government_supported_cap, &c.government_assessor_cap}) v->resize(R * G);
    for (auto* v : {&c.innovation_supported_cap, &c.innovation_assessor_cap}) v->resize(N * K);
    c.government_acceptance.resize(R * G);
    c.innovation_acceptance.resize(N * K);
    c.innovation_ids.reserve(N);
    c.department_index.resize(N);
  }
  // Departments numbered in order of first appearance, as to_policy_columns numbers them.
  std::array<std::int64_t, kAffairCount> department_of;
  department_of.fill(-1);
  std::vector<std::uint8_t> gov_mut(G), inv_mut;
  std::size_t at = 0;
  for (std::size_t r = 0; r < R; ++r) {
    if (options.poll) options.poll();
    const RegionPlan& p = gen.plan(r);
    const RegionMeta& m = gen.meta(r);
    c.codes.push_back(gen.code(r));
    c.names.push_back(gen.name(r));
    c.provinces.push_back(m.province);
    c.types.push_back(static_cast<std::uint8_t>(m.type));
    c.clusters.push_back(static_cast<std::uint8_t>((p.tertinggal ? kClusterTertinggal : 0) |
                                                   (p.perbatasan ? kClusterPerbatasan : 0) | (m.papua ? kClusterPapua : 0)));
    std::uint8_t* st = c.status.data() + at;
    std::uint64_t* af = c.affairs.data() + at;
    const std::size_t n = static_cast<std::size_t>(p.counted + p.drafts);
    inv_mut.resize(n * K);
    const std::size_t first = at;
    gen.region(r, c.government_levels.data() + r * G, c.government_caps.data() + r * G, v2 ? gov_mut.data() : nullptr,
               c.innovation_levels.data() + at * K, c.innovation_caps.data() + at * K, v2 ? inv_mut.data() : nullptr, K,
               [&](std::int64_t j, const InnovationCore& core, const std::uint8_t* lv, const std::uint8_t*, const std::uint8_t* mu) {
                 st[j] = core.status;
                 af[j] = gen.affair_bits(core);
                 if (!v2) return;
                 const std::size_t i = first + static_cast<std::size_t>(j);
                 c.innovation_ids.push_back("i" + std::to_string(j + 1));
                 std::int64_t& d = department_of[static_cast<std::size_t>(core.affair)];
                 if (d < 0) {
                   const std::string dept = kAffairs[core.affair].department;
                   const auto it = std::find(c.departments.begin(), c.departments.end(), dept);
                   d = it - c.departments.begin();
                   if (it == c.departments.end()) c.departments.push_back(dept);
                 }
                 c.department_index[i] = static_cast<std::uint32_t>(d);
                 const bool evidence = core.status == kSubmitted || (core.status == kNotCounted && !core.draft);
                 const int yv = gen.year_variant(core);
                 for (std::size_t k = 0; k < K; ++k) {
                   const CheckOutcome& o = gen.outcome(ed.innovation_rows[k], lv[k], core.kind, yv, evidence, mu[k]);
                   c.innovation_supported_cap[i * K + k] = o.supported_cap;
                   c.innovation_assessor_cap[i * K + k] = o.assessor_cap;
                   c.innovation_acceptance[i * K + k] = o.acceptance;
                 }
               });
    if (v2)
      for (std::size_t g = 0; g < G; ++g) {
        const CheckOutcome& o = gen.outcome(ed.government_rows[g], c.government_levels[r * G + g], 0, 0, true, gov_mut[g]);
        c.government_supported_cap[r * G + g] = o.supported_cap;
        c.government_assessor_cap[r * G + g] = o.assessor_cap;
        c.government_acceptance[r * G + g] = o.acceptance;
      }
    at += n;
    c.region_offsets[r + 1] = static_cast<std::int64_t>(at);
  }
  return c;
}

void write_jsonl(const SynthOptions& options, std::ostream& out) {
  Generator gen(options);
  const Edition& ed = *gen.edition();
  const std::size_t G = gen.G(), K = gen.K();
  std::vector<std::uint8_t> gl(G), gc(G), gm(G), il, ic, im;
  std::string line, inv_part;
  for (std::size_t r = 0; r < gen.regions(); ++r) {
    if (options.poll) options.poll();
    const RegionPlan& p = gen.plan(r);
    const RegionMeta& m = gen.meta(r);
    const std::size_t n = static_cast<std::size_t>(p.counted + p.drafts);
    il.resize(n * K);
    ic.resize(n * K);
    im.resize(n * K);
    line.clear();
    inv_part.clear();
    detail::JsonWriter w(line);
    w.begin_object().str("edition", ed.name).key("region").begin_object();
    w.str("code", gen.code(r)).str("name", gen.name(r)).str("type", type_name(m.type)).str("province", m.province);
    if (p.tertinggal || p.perbatasan || m.papua) {
      w.key("clusters").begin_array();
      if (p.tertinggal) w.string("tertinggal");
      if (p.perbatasan) w.string("perbatasan");
      if (m.papua) w.string("papua");
      w.end_array();
    }
    w.end_object();
    Rng desc(stream_seed(gen.seed(), 2, r));
    // The innovations are drawn after the government levels but written after them too: they
    // go to a writer of their own, spliced in below.
    detail::JsonWriter iw(inv_part);
    iw.begin_array();
    gen.region(r, gl.data(), gc.data(), gm.data(), il.data(), ic.data(), im.data(), K,
               [&](std::int64_t j, const InnovationCore& c, const std::uint8_t* lv, const std::uint8_t*, const std::uint8_t* mu) {
                 const std::uint32_t fw = desc.below(kFormWeights[0] + kFormWeights[1] + kFormWeights[2]);
                 const int form = fw < kFormWeights[0] ? 0 : fw < kFormWeights[0] + kFormWeights[1] ? 1 : 2;
                 const char* word = kNameWords[desc.below(sizeof(kNameWords) / sizeof(kNameWords[0]))];
                 const AffairInfo& a = kAffairs[c.affair];
                 const std::string id = std::to_string(j + 1);
                 iw.begin_object();
                 iw.str("id", "i" + id).str("name", std::string(word) + " " + a.label + " " + id).str("department", a.department);
                 iw.str("stage", kStageNames[c.stage]).str("status", c.draft ? "draft" : c.status == kRejected ? "rejected" : "submitted");
                 iw.str("form", kForms[form]).str("kind", c.kind ? "non_digital" : "digital");
                 iw.key("affairs").begin_array().string(a.name);
                 if (c.affair2 >= 0) iw.string(kAffairs[c.affair2].name);
                 iw.end_array();
                 int yv = 0;
                 if (c.applied_day >= 0) {
                   const std::string d = date_of(gen.t0() - kAppliedYears + 1, c.applied_day);
                   yv = std::stoi(d.substr(0, 4)) - (gen.t0() - kAppliedYears);
                   iw.str("applied_date", d);
                 }
                 const bool evidence = c.status == kSubmitted || (c.status == kNotCounted && !c.draft);
                 iw.key("answers").begin_object();
                 for (std::size_t k = 0; k < K; ++k) {
                   if (lv[k] <= ed.level_min) continue;
                   const int row = ed.innovation_rows[k];
                   iw.key(ed.rows[row].key).begin_object().num("level", lv[k]);
                   const Cell& cell = gen.cell(row, lv[k], c.kind, yv);
                   if (evidence && cell.found) iw.json("evidence", mu[k] ? cell.mutations[mu[k] - 1].evidence : cell.evidence);
                   iw.end_object();
                 }
                 iw.end_object().end_object();
               });
    iw.end_array();
    w.key("government").begin_object();
    if (p.reporting)
      for (std::size_t g = 0; g < G; ++g) {
        const int row = ed.government_rows[g];
        w.key(ed.rows[row].key).begin_object().num("level", gl[g]);
        const Cell& cell = gen.cell(row, gl[g], 0, 0);
        if (gl[g] > ed.level_min && cell.found) w.json("evidence", gm[g] ? cell.mutations[gm[g] - 1].evidence : cell.evidence);
        w.end_object();
      }
    w.end_object();
    w.json("innovations", inv_part);
    w.end_object();
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
  }
}

}  // namespace inovasi
