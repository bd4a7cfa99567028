#pragma once
// A region's submission (docs/schemas/submission.schema.json), parsed and validated against an edition into immutable
// values. Everything downstream may trust these types.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inovasi/decimal.hpp"
#include "inovasi/error.hpp"
#include "inovasi/edition.hpp"

namespace inovasi {

enum class RegionType { province, kabupaten, kota };
enum class Stage { unknown, initiative, trial, applied };
enum class Status { draft, submitted, rejected };
enum class Form { unknown, governance, public_service, other };
enum class Kind { unknown, digital, non_digital };
enum class Verdict { none, accepted, revision, rejected };
enum class Tri : std::uint8_t { unknown, no, yes };  // a boolean fact a document may not state

struct EvidenceItem {
  std::string kind;       // a kind of the edition's vocabulary
  std::string file;
  std::string file_type;  // pdf, jpg, jpeg, png, mp4, mov, link, other ("" when no file)
  std::string date;       // ISO day or ""
  std::optional<int> year;
  std::string group;
  std::optional<Decimal> value;
  Tri signed_ = Tri::unknown, names_innovation = Tri::unknown, highlighted = Tri::unknown,
      in_force = Tri::unknown, on_behalf_of_regional_head = Tri::unknown,
      has_cover = Tri::unknown;
  std::optional<Decimal> duration_s;
  Verdict verdict = Verdict::none;
  std::optional<int> supported_level;
};

struct Answer {
  bool present = false;
  int level = 0;               // the claimed level (given, or derived from the value)
  bool level_given = false;    // "level" was in the input
  std::string value_text;      // raw value as given (number text, code, or years), for display
  bool has_value = false;
  std::string basis;           // indicator 33
  std::optional<double> acceptance;
  std::vector<EvidenceItem> evidence;
};

// Back to an absent answer (level 0, nothing given), keeping its storage for reuse.
void clear(Answer& a);

// An innovation's answers by edition row. Only the answers given are stored (an innovation that
// answers one row holds one Answer, not one per row of the edition), so a region's memory stays
// in proportion to its input; a row not given reads as an absent answer (level 0).
class Answers {
 public:
  Answers() = default;
  explicit Answers(std::size_t rows) : rows_(rows) {}
  std::size_t size() const { return rows_; }  // the edition's rows
  std::size_t given() const { return used_; }  // answers stored
  const Answer& operator[](std::size_t row) const {
    return slot_.empty() || slot_[row] == 0 ? absent() : given_[slot_[row] - 1];
  }
  // The answer at `row` for writing, stored (absent, level 0) if it was not.
  Answer& edit(std::size_t row);
  // Every row absent, over `rows` rows; the storage is kept for reuse.
  void reset(std::size_t rows);
  static const Answer& absent();

 private:
  std::size_t rows_ = 0, used_ = 0;
  std::vector<std::uint32_t> slot_;  // per row: 0 = not given, else 1 + index into given_
  std::vector<Answer> given_;        // [0, used_) are this innovation's; the rest kept for reuse
};

struct Innovation {
  std::string id, name, department;
  Stage stage = Stage::unknown;
  Status status = Status::submitted;
  Form form = Form::unknown;
  Kind kind = Kind::unknown;
  std::vector<std::string> affairs;  // normalised: lower case, outer spaces trimmed
  std::string applied_date;
  Answers answers;                   // by edition row index (innovation rows only used)
  std::size_t source_index = 0;      // position in the input's "innovations" array
};

struct Region {
  std::string code, name, province;
  RegionType type = RegionType::kabupaten;
  std::vector<std::string> clusters;
};

struct Submission {
  EditionPtr edition;
  Region region;
  std::vector<Answer> government;    // indexed by edition row index
  std::vector<Innovation> innovations;
};

struct ParseLimits {
  std::size_t max_depth = 64;
  std::size_t max_document_bytes = 64u << 20;  // one record
  std::size_t max_innovations = 10000;          // per region
  std::size_t max_evidence_items = 200;         // per answer
  // All answers of a region together: an evidence item takes ~300 bytes parsed (from 15 bytes
  // of input, {"kind":"sop"}), so this keeps a region's evidence within ~30 MB.
  std::size_t max_region_evidence_items = 100000;
  // Whatever max_innovations says, a region holds at most this many (innovations are counted
  // in int, and edition loading proves the innovation sums exact up to this count).
  static constexpr std::size_t kMaxInnovationsCeiling = 2147483647;
};

struct ParseOptions {
  // Used when the record has no "edition", and overriding it when `override_edition`.
  EditionPtr edition;
  bool override_edition = false;
  ParseLimits limits;
  std::string source;  // file name for error messages
  // Called now and then on the calling thread during a long read into columns (read_columns,
  // read_policy_columns: about every MiB of input); an exception it throws stops the read, on
  // every thread, and propagates. The Python bindings run Python's signal handlers in it, so
  // Ctrl-C stops the reading of a large file.
  std::function<void()> poll;
};

// One submission from JSON text holding exactly one object.
Submission parse_submission(const std::string& json_text, const ParseOptions& options = {});

// A sequence of JSON values (one pretty-printed object, or JSON Lines), read one record at a
// time so memory stays bounded by the largest record. Each record is validated on its own.
// After a syntax error, reading resumes at the line after the one where the bad record starts
// (whatever that line begins with), so every line ends as a record or in a reported error; a
// pretty-printed object with a syntax error has each of its later lines read (and reported)
// as records of their own.
struct RecordResult {
  std::size_t index = 0;             // 0-based record number
  std::size_t line = 0, column = 0;  // where the record starts (1-based)
  std::optional<Submission> submission;
  std::optional<InputError> error;
};

class RecordReader {
 public:
  // `text` must outlive the reader.
  RecordReader(std::string_view text, ParseOptions options);
  // Where a reader stands: byte `pos` of the text, on line `line` (1-based) that starts at
  // byte `line_start`, about to read record number `index`.
  struct Position {
    std::size_t pos = 0, line = 1, line_start = 0, index = 0;
  };
  // A reader that resumes at `at` (as if it had read the text before it).
  RecordReader(std::string_view text, ParseOptions options, const Position& at);
  // False at the end of input.
  bool next(RecordResult& out);
  Position position() const { return {pos_, line_, line_start_, index_}; }

 private:
  std::string_view text_;
  ParseOptions options_;
  std::size_t pos_ = 0, line_ = 1, line_start_ = 0, index_ = 0;
  bool done_ = false;
};

// Reads up to `capacity` bytes into `buffer` and returns how many; 0 means the end of input.
// It may throw (a read error, an interrupted read): the stream stays consistent and the call
// can be retried.
using ChunkSource = std::function<std::size_t(char* buffer, std::size_t capacity)>;

// A ChunkSource over a file descriptor (read(2); the descriptor stays the caller's). Errors,
// EINTR included, throw std::system_error so a caller can handle signals and retry.
ChunkSource fd_source(int fd);

// RecordReader over input read in chunks (a 2 GB file, a pipe): the same records, errors, line
// and column numbers and resynchronisation after a bad record, with memory bounded by the
// chunk size and the largest record (at most ParseLimits::max_document_bytes + a chunk).
class RecordStream {
 public:
  static constexpr std::size_t default_chunk_bytes = std::size_t(1) << 20;

  RecordStream(ChunkSource source, ParseOptions options, std::size_t chunk_bytes = default_chunk_bytes);

  // False at the end of input. Reads as needed.
  bool next(RecordResult& out);

  // The non-blocking half of next(): a record (true), or false with `need_input()` set when a
  // read is needed first (call fill()), or false with `at_end()` at the end of input. Lets a
  // caller hand over what is ready before a read that may block.
  bool try_next(RecordResult& out);
  bool need_input() const { return need_input_; }
  bool at_end() const { return done_; }
  // Reads one chunk (one call to the source).
  void fill();

  std::uint64_t bytes_read() const { return base_ + end_; }
  std::size_t buffer_capacity() const { return buf_.size(); }  // for tests of the memory bound

 private:
  bool skip_whitespace();
  bool resync();

  ChunkSource source_;
  ParseOptions options_;
  std::string src_;  // source name for messages
  std::size_t chunk_;
  std::string buf_;                 // unconsumed input is buf_[head_, end_)
  std::size_t head_ = 0, end_ = 0;
  std::uint64_t base_ = 0;          // input offset of buf_[0]
  std::uint64_t line_start_ = 0;    // input offset where the current line starts
  std::size_t line_ = 1, index_ = 0;
  std::size_t tried_ = 0;           // bytes available at the last inconclusive parse of this record
  bool eof_ = false, done_ = false, resyncing_ = false, need_input_ = false;
};

const char* to_string(RegionType t);
const char* to_string(Stage s);
const char* to_string(Status s);
const char* to_string(Form f);
const char* to_string(Kind k);
const char* to_string(Verdict v);

// Affair names are matched case-insensitively with outer spaces trimmed.
std::string normalise_affair(const std::string& s);
// Default province name from a region code's first two digits ("64.03" -> Kalimantan Timur).
std::string province_of_code(const std::string& code);

}  // namespace inovasi

