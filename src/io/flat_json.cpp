#include "io/flat_json.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <cstring>
#include <string>

namespace inovasi::detail {

namespace {

namespace bj = boost::json;

// Above this many bytes of tree (nodes and copied strings) a record is handed to the reference
// reader, whose memory bound is the documented one: this tree never holds more than this.
constexpr std::size_t kTreeBudget = std::size_t(32) << 20;

// Blocks of T with stable addresses, reused from record to record.
template <class T>
class Arena {
 public:
  T* alloc(std::size_t n) {
    while (cur_ < chunks_.size() && used_ + n > chunks_[cur_].size) {
      ++cur_;
      used_ = 0;
    }
    if (cur_ == chunks_.size()) {
      const std::size_t size = std::max(n, kChunk);
      chunks_.push_back({std::make_unique<T[]>(size), size});
      used_ = 0;
    }
    T* p = chunks_[cur_].data.get() + used_;
    used_ += n;
    bytes_ += n * sizeof(T);
    return p;
  }
  void reset() {
    cur_ = used_ = bytes_ = 0;
    // A record far larger than the rest leaves its chunks behind: give them back, so that a
    // reader kept for a stream holds little between records.
    std::erase_if(chunks_, [](const Chunk& c) { return c.size > kChunk; });
    if (chunks_.size() > 4) chunks_.resize(4);
  }
  std::size_t bytes() const { return bytes_; }

 private:
  static constexpr std::size_t kChunk = 16384;
  struct Chunk {
    std::unique_ptr<T[]> data;
    std::size_t size;
  };
  std::vector<Chunk> chunks_;
  std::size_t cur_ = 0, used_ = 0, bytes_ = 0;
};

struct Frame {
  std::size_t start;     // first child on the value stack
  std::string_view key;  // this container's key in its parent object
  bool dropped;          // inside an "x-" member: kept only as far as duplicate keys need
};

struct Handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  const char* in_begin = nullptr;
  const char* in_end = nullptr;
  Arena<FNode> nodes;
  Arena<char> chars;
  std::vector<FNode> values;  // finished values whose container is still open
  std::vector<Frame> frames;
  std::vector<std::string_view> keys;  // scratch for the duplicate check
  std::string buf;                     // a string, key or number delivered in parts
  std::string_view key;                // the pending key
  FNode root;

  void reset(const char* b, const char* e) {
    in_begin = b;
    in_end = e;
    nodes.reset();
    chars.reset();
    values.clear();
    if (values.capacity() > 65536) std::vector<FNode>().swap(values);
    frames.clear();
    object_frame.clear();
    buf.clear();
    key = {};
  }

  bool over_budget() const { return nodes.bytes() + chars.bytes() + values.size() * sizeof(FNode) > kTreeBudget; }

  // The text of a string or number: a view of the input when it is there as delivered.
  std::string_view keep(bj::string_view s) {
    if (buf.empty() && s.data() >= in_begin && s.data() + s.size() <= in_end) return {s.data(), s.size()};
    buf.append(s.data(), s.size());
    char* p = chars.alloc(buf.size());
    std::memcpy(p, buf.data(), buf.size());
    std::string_view v(p, buf.size());
    buf.clear();
    return v;
  }

  std::vector<bool> object_frame;  // per open container: an object (else an array)

  bool push(FNode&& n, bj::error_code& ec) {
    if (frames.empty()) {
      root = std::move(n);
      return true;
    }
    const bool obj = object_frame.back();
    if (obj) {
      n.key = key;
      key = {};
    }
    if (frames.back().dropped) {
      // Inside an "x-" member nothing is kept but the keys, for the duplicate check.
      if (!obj) return true;
      FNode stub;
      stub.key = n.key;
      n = stub;
    }
    values.push_back(std::move(n));
    if (over_budget()) {
      ec = bj::error::extra_data;
      return false;
    }
    return true;
  }

  bool begin(bool object, bj::error_code&) {
    const bool parent_object = !frames.empty() && object_frame.back();
    std::string_view k = parent_object ? key : std::string_view{};
    const bool dropped = (!frames.empty() && frames.back().dropped) ||
                         (parent_object && k.size() >= 2 && k[0] == 'x' && k[1] == '-');
    frames.push_back({values.size(), k, dropped});
    object_frame.push_back(object);
    key = {};
    return true;
  }

  bool end(bj::error_code& ec) {
    const Frame f = frames.back();
    const bool object = object_frame.back();
    frames.pop_back();
    object_frame.pop_back();
    const std::size_t n = values.size() - f.start;
    FNode* kids = values.data() + f.start;
    if (object && n > 1 && has_duplicate(kids, n)) {
      ec = bj::error::extra_data;
      return false;
    }
    FNode node;
    node.type = object ? JType::object : JType::array;
    if (!f.dropped) {
      FNode* block = n ? nodes.alloc(n) : nullptr;
      std::move(kids, kids + n, block);
      if (object) {
        node.members = {block, n};
        for (std::size_t i = 0; i < n; ++i) node.keys |= key_bit(block[i].key);
      } else {
        node.items = {block, n};
      }
    }
    values.resize(f.start);
    if (!frames.empty() && object_frame.back()) key = f.key;
    return push(std::move(node), ec);
  }

  bool has_duplicate(const FNode* kids, std::size_t n) {
    if (n <= 8) {
      for (std::size_t i = 1; i < n; ++i)
        for (std::size_t j = 0; j < i; ++j)
          if (same_key(kids[i].key, kids[j].key)) return true;
      return false;
    }
    keys.clear();
    for (std::size_t i = 0; i < n; ++i) keys.push_back(kids[i].key);
    std::sort(keys.begin(), keys.end());
    return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
  }

  bool scalar(JType t, std::string_view text, bool b, bj::error_code& ec) {
    FNode n;
    n.type = t;
    n.text = text;
    n.boolean = b;
    return push(std::move(n), ec);
  }

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code& ec) { return begin(true, ec); }
  bool on_object_end(std::size_t, bj::error_code& ec) { return end(ec); }
  bool on_array_begin(bj::error_code& ec) { return begin(false, ec); }
  bool on_array_end(std::size_t, bj::error_code& ec) { return end(ec); }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code&) {
    key = keep(s);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, bj::error_code& ec) {
    return scalar(JType::string, keep(s), false, ec);
  }
  bool on_number_part(bj::string_view s, bj::error_code&) {
    buf.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t, bj::string_view s, bj::error_code& ec) { return scalar(JType::number, keep(s), false, ec); }
  bool on_uint64(std::uint64_t, bj::string_view s, bj::error_code& ec) { return scalar(JType::number, keep(s), false, ec); }
  bool on_double(double, bj::string_view s, bj::error_code& ec) { return scalar(JType::number, keep(s), false, ec); }
  bool on_bool(bool b, bj::error_code& ec) { return scalar(JType::boolean, {}, b, ec); }
  bool on_null(bj::error_code& ec) { return scalar(JType::null, {}, false, ec); }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }
};

}  // namespace

struct FlatReader::Impl {
  std::size_t depth = 0;
  std::unique_ptr<bj::basic_parser<Handler>> parser;
};

FlatReader::FlatReader() : impl_(std::make_unique<Impl>()) {}
FlatReader::~FlatReader() = default;

const FNode* FlatReader::read(std::string_view text, std::size_t pos, const JsonLimits& limits,
                              std::size_t& consumed) {
  // As parse_one: Boost.JSON recurses once per level, so the depth has a ceiling.
  constexpr std::size_t depth_ceiling = 1024;
  const std::size_t depth = std::min(limits.max_depth, depth_ceiling);
  if (!impl_->parser || impl_->depth != depth) {
    bj::parse_options opt;
    opt.max_depth = depth;
    impl_->parser = std::make_unique<bj::basic_parser<Handler>>(opt);
    impl_->depth = depth;
  } else {
    impl_->parser->reset();
  }
  auto& p = *impl_->parser;
  const std::size_t avail = text.size() - pos;
  const std::size_t offer = std::min(avail, limits.max_bytes);
  p.handler().reset(text.data() + pos, text.data() + pos + offer);
  bj::error_code ec;
  const std::size_t n = p.write_some(offer < avail, text.data() + pos, offer, ec);
  if (ec || !p.done()) return nullptr;
  consumed = n;
  return &p.handler().root;
}

}  // namespace inovasi::detail
