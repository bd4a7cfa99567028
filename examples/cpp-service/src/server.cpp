// inovasi-service: the library's scoring over HTTP (Boost.Beast on Boost.Asio).
//
//   POST /score        one submission (a JSON object)  -> its score, one JSON line: the line
//                      `inovasi score FILE` prints for the same text
//   POST /score-lines  JSON Lines (or any record sequence) -> one score line per record,
//                      streamed back with chunked transfer encoding as they are scored
//   GET  /health       "ok"
// Query parameters (both endpoints): policy=self_assessed|supported|strict|assessor, and
// edition=NAME (a shipped edition overriding each record's, as the CLI's --edition).
//
// Bad input is a 4xx with a JSON body naming the place: 400 for a syntax error, 422 for a
// submission that breaks a rule, 413 for a body over --max-body-bytes, 404/405 for a wrong
// path or method; a request that is not complete within --read-timeout-ms (a stalled or idle
// client) has its connection closed. Like the CLI without
// --keep-going, a body with a bad record gets no scores at all: every record is read and
// validated before the first score is written, so a stream never stops half-way on bad input.
//
// Every connection runs on its own strand over one io_context that --threads threads run, so
// a slow client holds one connection, not a thread.
#include <algorithm>
#include <array>
#include <cerrno>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "inovasi/edition.hpp"
#include "inovasi/error.hpp"
#include "inovasi/evidence.hpp"
#include "inovasi/score.hpp"
#include "inovasi/submission.hpp"
#include "inovasi/version.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
using tcp = net::ip::tcp;

namespace {

struct Config {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 0;                                  // 0: one per hardware thread
  std::size_t max_body_bytes = std::size_t(8) << 20;
  std::chrono::milliseconds read_timeout{10000};    // for a whole request, headers and body
  std::chrono::milliseconds write_timeout{30000};   // for each write to a slow reader
  std::size_t records_per_chunk = 64;
};

// The shipped editions, loaded once: a request names one by its name only (a service must not
// open paths its clients choose).
std::map<std::string, inovasi::EditionPtr> load_editions() {
  std::map<std::string, inovasi::EditionPtr> out;
  for (const auto& name : inovasi::builtin_edition_names()) out.emplace(name, inovasi::builtin_edition(name));
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 4;
    if (n == 4 || i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    const auto c1 = static_cast<unsigned char>(s[i + (n ? 1 : 0)]);
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
    if ((n == 1 && c < 0xC2) || (n == 2 && c == 0xE0 && c1 < 0xA0) || (n == 2 && c == 0xED && c1 >= 0xA0) ||
        (n == 3 && (c > 0xF4 || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))))
      return false;
    i += n + 1;
  }
  return true;
}

// A 4xx/5xx body: {"error": message, ...details}. Strings a client sent may hold any bytes;
// InputError::what() is already printable, and raw fields are only copied when valid UTF-8.
std::string error_json(std::string_view message, json::object details = {}) {
  details["error"] = valid_utf8(message) ? json::string(message) : json::string("(message not UTF-8)");
  return json::serialize(details) + "\n";
}

std::string input_error_json(const inovasi::InputError& e, std::size_t record) {
  json::object o;
  o["record"] = record;
  o["line"] = e.line();
  o["column"] = e.column();
  if (!e.pointer().empty() && valid_utf8(e.pointer())) o["pointer"] = e.pointer();
  o["kind"] = e.is_syntax_error() ? "syntax" : "validation";
  return error_json(e.what(), std::move(o));
}

struct Outcome {
  http::status status = http::status::ok;
  std::string body;                         // the error body, when status is not 200
  std::vector<inovasi::Submission> records; // every record, when all are good
  inovasi::ScoreOptions score_options;
};

Outcome bad(http::status s, std::string body) {
  Outcome o;
  o.status = s;
  o.body = std::move(body);
  return o;
}

// "a%2Fb" -> "a/b"; nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
      const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Reads the query (policy, edition) and every record of the body. Nothing is scored here.
Outcome read_request(std::string_view query, std::string_view body, bool single,
                     const std::map<std::string, inovasi::EditionPtr>& editions) {
  inovasi::ParseOptions options;
  options.source = "body";
  Outcome out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const auto key = percent_decode(pair.substr(0, eq));
    const auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) return bad(http::status::bad_request, error_json("query: bad percent escape"));
    if (*key == "policy") {
      try {
        out.score_options.policy = inovasi::policy_from_string(*value);
      } catch (const inovasi::InputError& e) {
        return bad(http::status::bad_request, error_json(std::string("query: policy: ") + e.what()));
      }
    } else if (*key == "edition") {
      auto it = editions.find(*value);
      if (it == editions.end()) {
        std::string names;
        for (const auto& [name, _] : editions) names += (names.empty() ? "" : ", ") + name;
        return bad(http::status::bad_request,
                   error_json("query: edition: not a shipped edition (one of: " + names + ")"));
      }
      options.edition = it->second;
      options.override_edition = true;
    } else {
      return bad(http::status::bad_request, error_json("query: unknown parameter (policy, edition)"));
    }
  }

  inovasi::RecordReader reader(body, options);
  for (;;) {
    inovasi::RecordResult r;
    if (!reader.next(r)) break;
    if (r.error) {
      const auto status = r.error->is_syntax_error() ? http::status::bad_request : http::status::unprocessable_entity;
      return bad(status, input_error_json(*r.error, r.index));
    }
    if (single && !out.records.empty())
      return bad(http::status::bad_request,
                 error_json("body: more than one submission: POST a record sequence to /score-lines"));
    out.records.push_back(std::move(*r.submission));
  }
  if (out.records.empty())
    return bad(http::status::bad_request, error_json("body: empty input: expected a JSON object per region"));
  return out;
}

std::string score_line(const inovasi::Submission& s, const inovasi::ScoreOptions& options) {
  return inovasi::to_json(inovasi::score(s, options), *s.edition) + "\n";
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Config& config, const std::map<std::string, inovasi::EditionPtr>& editions)
      : stream_(std::move(socket)), config_(config), editions_(editions) {}

  void start() { net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); }); }

 private:
  beast::tcp_stream stream_;
  const Config& config_;
  const std::map<std::string, inovasi::EditionPtr>& editions_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
  // The response being written: a whole one, or a stream's header and chunks.
  std::optional<http::response<http::string_body>> response_;
  std::optional<http::response<http::empty_body>> stream_header_;
  std::optional<http::response_serializer<http::empty_body>> stream_serializer_;
  Outcome work_;
  std::size_t next_record_ = 0;
  std::string chunk_;
  std::array<char, 16384> drain_{};
  std::size_t drained_ = 0;

  void read() {
    parser_.emplace();
    parser_->body_limit(config_.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(config_.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == net::error::eof) {
      return close();
    }
    if (ec == beast::error::timeout) {
      // The stream has closed the socket already (a stalled or idle client): nothing to say.
      return close();
    }
    if (ec == http::error::body_limit) {
      return reply(http::status::payload_too_large,
                   error_json("body: larger than " + std::to_string(config_.max_body_bytes) + " bytes"), true);
    }
    if (ec == http::error::header_limit) {
      return reply(http::status::request_header_fields_too_large, error_json("request: headers too large"), true);
    }
    if (ec) {
      return reply(http::status::bad_request, error_json("request: not HTTP/1.1 (" + ec.message() + ")"), true);
    }
    request_ = parser_->release();
    handle();
  }

  void handle() {
    const std::string_view target = request_.target();
    const auto q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    if (path == "/health") {
      if (request_.method() != http::verb::get) return reply(http::status::method_not_allowed, error_json("/health: GET only"), false);
      return reply(http::status::ok, "ok\n", false, "text/plain");
    }
    const bool single = path == "/score";
    if (!single && path != "/score-lines") {
      return reply(http::status::not_found, error_json("no such path (POST /score, POST /score-lines, GET /health)"), false);
    }
    if (request_.method() != http::verb::post) {
      return reply(http::status::method_not_allowed, error_json(std::string(path) + ": POST only"), false);
    }
    try {
      work_ = read_request(query, request_.body(), single, editions_);
      if (work_.status != http::status::ok) return reply(work_.status, std::move(work_.body), false);
      if (single) return reply(http::status::ok, score_line(work_.records.front(), work_.score_options), false);
      return start_stream();
    } catch (const std::exception& e) {
      // Not an input error: the library failed. The client learns that much; the service lives.
      std::cerr << "internal error: " << e.what() << "\n";
      return reply(http::status::internal_server_error, error_json("internal error"), true);
    }
  }

  void reply(http::status status, std::string body, bool close_after, const char* type = "application/json") {
    response_.emplace(status, request_.version() ? request_.version() : 11);
    response_->set(http::field::server, "inovasi-service/" + std::string(inovasi::version()));
    response_->set(http::field::content_type, type);
    response_->body() = std::move(body);
    response_->keep_alive(!close_after && request_.keep_alive());
    response_->prepare_payload();
    stream_.expires_after(config_.write_timeout);
    http::async_write(stream_, *response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (!self->response_->keep_alive()) return self->linger();
      self->request_ = {};
      self->read();
    });
  }

  void start_stream() {
    stream_header_.emplace(http::status::ok, request_.version());
    stream_header_->set(http::field::server, "inovasi-service/" + std::string(inovasi::version()));
    stream_header_->set(http::field::content_type, "application/x-ndjson");
    stream_header_->keep_alive(request_.keep_alive());
    stream_header_->chunked(true);
    stream_serializer_.emplace(*stream_header_);
    next_record_ = 0;
    stream_.expires_after(config_.write_timeout);
    http::async_write_header(stream_, *stream_serializer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->write_chunk();
    });
  }

  // Scores the next records into one chunk, writes it, and comes back for more; the last chunk
  // ends the response.
  void write_chunk() {
    if (next_record_ == work_.records.size()) {
      stream_.expires_after(config_.write_timeout);
      net::async_write(stream_, http::make_chunk_last(), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->close();
        self->work_ = {};
        if (!self->stream_header_->keep_alive()) return self->linger();
        self->request_ = {};
        self->read();
      });
      return;
    }
    chunk_.clear();
    try {
      const std::size_t end = std::min(work_.records.size(), next_record_ + config_.records_per_chunk);
      for (; next_record_ < end; ++next_record_) chunk_ += score_line(work_.records[next_record_], work_.score_options);
    } catch (const std::exception& e) {
      // The header is out: all that can be said is that the stream is cut (no last chunk).
      std::cerr << "internal error: " << e.what() << "\n";
      return close();
    }
    stream_.expires_after(config_.write_timeout);
    net::async_write(stream_, http::make_chunk(net::buffer(chunk_)), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->write_chunk();
    });
  }

  // After a response that ends the connection: send FIN, then read and drop what the client
  // still sends (a body over the limit) for a moment, so that closing with unread data does not
  // reset the connection before the client has read the response.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    drained_ = 0;
    stream_.expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > 4 * self->config_.max_body_bytes) return self->close();
      self->drain();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::endpoint endpoint, const Config& config,
           const std::map<std::string, inovasi::EditionPtr>& editions)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), config_(config), editions_(editions) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  void start() { accept(); }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  const Config& config_;
  const std::map<std::string, inovasi::EditionPtr>& editions_;

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        std::make_shared<Session>(std::move(socket), self->config_, self->editions_)->start();
      } else if (ec == net::error::operation_aborted) {
        return;
      }
      // Other accept errors (too many open files) drop one client, not the service.
      self->accept();
    });
  }
};

[[noreturn]] void usage(const std::string& message) {
  std::cerr << "inovasi-service: " << message << "\n"
            << "usage: inovasi-service [--address A] [--port P (0: any free port)] [--threads N]\n"
            << "                       [--max-body-bytes N] [--read-timeout-ms N] [--write-timeout-ms N]\n";
  std::exit(2);
}

long long number_arg(const std::string& name, const char* text, long long low, long long high) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text, &end, 10);
  if (errno || end == text || *end || v < low || v > high)
    usage(name + ": expected a whole number in " + std::to_string(low) + ".." + std::to_string(high));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(a + ": missing value");
    const char* v = argv[++i];
    if (a == "--address") config.address = v;
    else if (a == "--port") config.port = static_cast<unsigned short>(number_arg(a, v, 0, 65535));
    else if (a == "--threads") config.threads = static_cast<int>(number_arg(a, v, 0, 256));
    else if (a == "--max-body-bytes") config.max_body_bytes = static_cast<std::size_t>(number_arg(a, v, 1, 1LL << 32));
    else if (a == "--read-timeout-ms") config.read_timeout = std::chrono::milliseconds(number_arg(a, v, 1, 3600000));
    else if (a == "--write-timeout-ms") config.write_timeout = std::chrono::milliseconds(number_arg(a, v, 1, 3600000));
    else usage("unknown option " + a);
  }
  const int threads = config.threads > 0 ? config.threads : std::max(1u, std::thread::hardware_concurrency());

  try {
    const auto editions = load_editions();
    net::io_context ioc(threads);
    beast::error_code ec;
    const auto address = net::ip::make_address(config.address, ec);
    if (ec) usage("--address: " + ec.message());
    auto listener = std::make_shared<Listener>(ioc, tcp::endpoint(address, config.port), config, editions);
    listener->start();

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&ioc](beast::error_code, int) { ioc.stop(); });
    // A client that goes away mid-write must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);

    // The line a supervisor (or the load test) reads to learn the port.
    std::cout << "listening on " << config.address << ":" << listener->port() << " (threads " << threads << ")"
              << std::endl;

    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::cerr << "inovasi-service: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
