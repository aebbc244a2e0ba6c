#include "common/http/http_connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <optional>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/http/chunked_scan.h"
#include "common/http/request_head.h"
#include "common/http/response_writer.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"

namespace nauthera::http_internal {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

constexpr size_t kReadChunk = 8 * 1024;
// After a refusal: how long, and how much, we read and discard before closing, so the peer
// reads our answer instead of a reset (RFC 9112 §9.6, "lingering close").
constexpr std::chrono::seconds kLingerTime{1};
constexpr size_t kLingerBytes = 1 << 20;

absl::string_view View(boost::beast::string_view text) {
  return absl::string_view(text.data(), text.size());
}

void CountRefusal(int status) {
  Metrics::Global().Increment("nauthera_http_refused_total", {std::to_string(status)});
}

// RFC 9112 §3.2: origin-form, absolute-form (a server MUST accept it), or "*" for OPTIONS.
bool SplitTarget(absl::string_view target, absl::string_view method, HttpRequest* out) {
  if (target == "*") {
    if (method != "OPTIONS") return false;
    out->path = "*";
    return true;
  }
  if (target.find('#') != absl::string_view::npos) return false;  // fragments are not sent
  if (!absl::StartsWith(target, "/")) {
    size_t scheme_end = target.find("://");
    absl::string_view scheme = target.substr(0, scheme_end);
    if (scheme_end == absl::string_view::npos ||
        (!absl::EqualsIgnoreCase(scheme, "http") && !absl::EqualsIgnoreCase(scheme, "https"))) {
      return false;
    }
    size_t end = target.find_first_of("/?", scheme_end + 3);
    target = end == absl::string_view::npos ? absl::string_view() : target.substr(end);
  }
  size_t q = target.find('?');
  out->path = std::string(target.substr(0, q));
  if (out->path.empty()) out->path = "/";
  if (q != absl::string_view::npos) out->query = std::string(target.substr(q + 1));
  return true;
}

template <class Stream>
class Connection : public ConnectionBase,
                   public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Connection(Stream stream, ServerCore* core, std::string remote,
             std::shared_ptr<net::ssl::context> tls)
      : stream_(std::move(stream)),
        tls_(std::move(tls)),
        core_(core),
        remote_(std::move(remote)),
        buffer_(core->options.limits.max_request_line_bytes +
                core->options.limits.max_header_bytes + 4 * kReadChunk) {}

  ~Connection() override {
    core_->Unregister(id_);
    core_->open.fetch_sub(1);
  }

  void Start() {
    id_ = core_->Register(this->weak_from_this());
    if constexpr (kTls) {
      Tcp().expires_after(Limits().header_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                if (ec) return self->CloseNow();
                                self->ReadHead();
                              });
    } else {
      ReadHead();
    }
  }

  void Drain() override {
    net::post(Tcp().get_executor(), [self = this->shared_from_this()] {
      if (self->idle_) self->CloseNow();
    });
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  const HttpLimits& Limits() const { return core_->options.limits; }
  absl::string_view Buffered() const {
    auto data = buffer_.data();
    return absl::string_view(static_cast<const char*>(data.data()), data.size());
  }

  // 1. The head: scanned on the raw bytes, read until complete, refused or timed out.
  void ReadHead() {
    RequestHead head = ScanRequestHead(Buffered(), Limits());
    if (head.state == RequestHead::State::kComplete) return OnHead(head);
    if (head.state == RequestHead::State::kRejected) return Refuse(head.status, head.reason);
    if (buffer_.size() == 0) {
      if (core_->draining.load()) return CloseNow();
      idle_ = true;
      Tcp().expires_after(first_request_ ? Limits().header_timeout : Limits().idle_timeout);
    } else {
      Tcp().expires_at(head_deadline_);  // the whole head within header_timeout of its start
    }
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](error_code ec, size_t n) {
                              self->OnRead(ec, n);
                            });
  }

  void OnRead(error_code ec, size_t n) {
    idle_ = false;
    // A timeout closes the socket (Beast); eof, reset or a drain need no answer either.
    if (ec) return CloseNow();
    if (buffer_.size() == 0 && n > 0) {
      head_deadline_ = std::chrono::steady_clock::now() + Limits().header_timeout;
    }
    buffer_.commit(n);
    ReadHead();
  }

  // 2. Beast parses the vetted head; the route's limits apply before any body is read.
  void OnHead(const RequestHead& head) {
    buffer_.consume(head.skip_bytes);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(head.head_bytes + 1));
    // The body limit is the route's, known only after the head: set below, before any body
    // byte is read. Beast would otherwise refuse a large Content-Length as a parse error.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    error_code ec;
    size_t used = parser_->put(net::buffer(buffer_.data().data(), head.head_bytes), ec);
    if (ec || used != head.head_bytes || !parser_->is_header_done()) {
      return Refuse(400, ec ? ec.message() : "malformed request head");
    }
    buffer_.consume(used);
    const auto& message = parser_->get();
    request_ = HttpRequest();
    request_.method = std::string(message.method_string());
    // RFC 9110 §9.3.8/§9.3.6: TRACE would echo credentials; CONNECT makes no sense here.
    // Checked before the target, which for CONNECT is an authority (RFC 9112 §3.2.3).
    if (request_.method == "TRACE" || request_.method == "CONNECT") {
      request_.path = std::string(View(message.target()));
      return Refuse(405, "method not allowed", {{"Allow", AllowFor(request_.path)}});
    }
    if (!SplitTarget(View(message.target()), request_.method, &request_)) {
      return Refuse(400, "invalid request target");
    }
    for (const auto& field : message) {
      request_.headers.emplace_back(absl::AsciiStrToLower(View(field.name_string())),
                                    std::string(field.value()));
    }
    request_.remote_address = remote_;
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    size_t limit = Limits().max_body_bytes;
    if (core_->options.body_limit) {
      limit = std::min(limit, core_->options.body_limit(request_.method, request_.path));
    }
    // RFC 9110 §15.5.14: refuse a declared body that is too large before reading it.
    if (head.has_content_length && head.content_length > limit) {
      return Refuse(413, "request body too large");
    }
    parser_->body_limit(limit);  // a chunked body is stopped as soon as it passes the limit
    chunked_ = head.chunked;
    scanned_ = 0;
    if (chunked_) {
      scanner_.emplace(Limits().max_request_line_bytes, Limits().max_header_bytes);
    }
    if (parser_->is_done()) return Dispatch();
    // RFC 9110 §10.1.1: tell a client that waits for it to send the body.
    if (version_ == 11 && absl::EqualsIgnoreCase(std::string(message[http::field::expect]),
                                                 "100-continue")) {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      Tcp().expires_after(Limits().write_timeout);
      return net::async_write(stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
                              [self = this->shared_from_this()](error_code ec, size_t) {
                                if (ec) return self->CloseNow();
                                self->ReadBody();
                              });
    }
    ReadBody();
  }

  // 3. The body, within body_timeout and the route's limit. A chunked body's framing is
  //    checked on the raw bytes (chunked_scan.h) before Beast decodes them.
  void ReadBody() {
    Tcp().expires_after(Limits().body_timeout);  // the whole body, not each read
    FeedBody();
  }

  void FeedBody() {
    if (chunked_) {
      absl::string_view fresh = Buffered().substr(scanned_);

      scanned_ += scanner_->Feed(fresh);
      if (scanner_->rejected()) return Refuse(400, scanner_->reason());
    }
    // Beast sees only what the scanner passed (chunked) or all of it (Content-Length).
    size_t vetted = chunked_ ? scanned_ : buffer_.size();
    while (vetted > 0 && !parser_->is_done()) {
      error_code ec;
      size_t used = parser_->put(net::buffer(buffer_.data().data(), vetted), ec);
      if (ec == http::error::need_more) break;
      if (ec == http::error::body_limit) return Refuse(413, "request body too large");
      if (ec) return Refuse(400, absl::StrCat("malformed body: ", ec.message()));
      if (used == 0) break;
      buffer_.consume(used);
      vetted -= used;
      if (chunked_) scanned_ -= used;
    }
    if (parser_->is_done()) return Dispatch();
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = this->shared_from_this()](error_code ec, size_t n) {
                              // Timeout (Beast closed the socket), eof or reset: no answer.
                              if (ec) return self->CloseNow();
                              self->buffer_.commit(n);
                              self->FeedBody();
                            });
  }

  // 4. The handler, or the server's own answer to OPTIONS.
  void Dispatch() {
    request_.body = std::move(parser_->get().body());
    // RFC 9110 §9.3.2: HEAD is GET without the body; handlers only ever see GET.
    bool head = request_.method == "HEAD";
    if (head) request_.method = "GET";
    HttpResponse response;
    if (request_.method == "OPTIONS") {
      response.status = 204;
      response.SetHeader("Allow", AllowFor(request_.path));
    } else {
      response = CallHandler();
    }
    bool keep = keep_alive_ && !core_->draining.load() && !core_->close_after_response.load();
    Write(std::move(response), keep, head);
  }

  HttpResponse CallHandler() {
    try {
      return core_->handler(request_);
    } catch (const std::exception& e) {
      LogError("request handler threw", {{"path", request_.path}, {"error", e.what()}});
    } catch (...) {
      LogError("request handler threw", {{"path", request_.path}});
    }
    return core_->options.error_response(500, "internal error");
  }

  std::string AllowFor(absl::string_view path) const {
    std::string allow = core_->options.allowed_methods ? core_->options.allowed_methods(path)
                                                       : std::string("GET, HEAD");
    return absl::StrCat(allow, ", OPTIONS");
  }

  // 5. The response; then the next request on this connection, or a close.
  void Write(HttpResponse response, bool keep_alive, bool head) {
    WriteOptions options{version_, keep_alive, head};
    response_ = std::make_unique<BeastResponse>(ToBeastResponse(std::move(response), options));
    Tcp().expires_after(Limits().write_timeout);
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this(), keep_alive](error_code ec, size_t) {
                        self->response_.reset();
                        if (ec) return self->CloseNow();
                        if (!keep_alive) return self->LingerClose();
                        self->first_request_ = false;
                        self->parser_.reset();
                        self->ReadHead();
                      });
  }

  // A request the server answers itself, then closes: what follows on the connection
  // cannot be trusted to be framed as the peer meant (RFC 9112 §6.3, §9.6).
  void Refuse(int status, absl::string_view reason,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    CountRefusal(status);
    HttpResponse response = core_->options.error_response(status, reason);
    for (auto& [name, value] : headers) response.SetHeader(name, value);
    if (version_ == 0) version_ = 11;
    Write(std::move(response), /*keep_alive=*/false, /*head=*/false);
  }

  void LingerClose() {
    if constexpr (kTls) {
      Tcp().expires_after(kLingerTime);
      stream_.async_shutdown([self = this->shared_from_this()](error_code) { self->CloseNow(); });
    } else {
      error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Tcp().expires_after(kLingerTime);
      Discard();
    }
  }

  void Discard() {
    Tcp().async_read_some(net::buffer(discard_),
                          [self = this->shared_from_this()](error_code ec, size_t n) {
                            self->discarded_ += n;
                            if (ec || self->discarded_ > kLingerBytes) return self->CloseNow();
                            self->Discard();
                          });
  }

  void CloseNow() {
    error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  Stream stream_;
  std::shared_ptr<net::ssl::context> tls_;  // keeps the context this connection started with
  ServerCore* core_;
  uint64_t id_ = 0;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  unsigned version_ = 0;
  bool keep_alive_ = false;
  bool chunked_ = false;
  std::optional<ChunkedScanner> scanner_;
  size_t scanned_ = 0;  // bytes at the buffer's front the scanner has passed
  std::unique_ptr<BeastResponse> response_;  // alive while it is written
  bool idle_ = false;                       // waiting for a request, nothing received
  bool first_request_ = true;
  std::chrono::steady_clock::time_point head_deadline_;
  char discard_[4096];
  size_t discarded_ = 0;
};

std::string RemoteAddress(const tcp::socket& socket) {
  error_code ec;
  tcp::endpoint endpoint = socket.remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

}  // namespace

uint64_t ServerCore::Register(std::weak_ptr<ConnectionBase> connection) {
  MutexLock lock(&mu_);
  uint64_t id = ++next_id_;
  live_.emplace(id, std::move(connection));
  return id;
}

void ServerCore::Unregister(uint64_t id) {
  MutexLock lock(&mu_);
  live_.erase(id);
}

void ServerCore::DrainAll() {
  std::vector<std::shared_ptr<ConnectionBase>> live;
  {
    MutexLock lock(&mu_);
    for (auto& [id, weak] : live_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  for (auto& connection : live) connection->Drain();
}

void StartPlainConnection(tcp::socket socket, ServerCore* core) {
  std::string remote = RemoteAddress(socket);
  std::make_shared<Connection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), core,
                                                  std::move(remote), nullptr)
      ->Start();
}

void StartTlsConnection(tcp::socket socket, std::shared_ptr<net::ssl::context> tls,
                        ServerCore* core) {
  std::string remote = RemoteAddress(socket);
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;
  net::ssl::context& context = *tls;
  std::make_shared<Connection<TlsStream>>(TlsStream(beast::tcp_stream(std::move(socket)), context),
                                          core, std::move(remote), std::move(tls))
      ->Start();
}

namespace {

// The 503 for one connection too many: written once, then a lingering close.
class OverloadRefusal : public std::enable_shared_from_this<OverloadRefusal> {
 public:
  explicit OverloadRefusal(tcp::socket socket) : stream_(std::move(socket)) {}

  // Refusals in flight; past this a connection is closed without an answer, so a flood
  // cannot hold more than this many extra sockets.
  static constexpr int kMaxInFlight = 64;
  static std::atomic<int> in_flight;

  ~OverloadRefusal() { in_flight.fetch_sub(1); }

  void Start() {
    static const std::string kResponse = [] {
      std::string body =
          R"({"error":"temporarily_unavailable","error_description":"too many connections; retry shortly"})";
      return absl::StrCat("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                          "Connection: close\r\nCache-Control: no-store\r\n"
                          "Content-Type: application/json\r\nContent-Length: ",
                          body.size(), "\r\n\r\n", body);
    }();
    CountRefusal(503);
    stream_.expires_after(kLingerTime);
    net::async_write(stream_, net::buffer(kResponse),
                     [self = shared_from_this()](error_code ec, size_t) {
                       if (ec) return self->stream_.close();
                       error_code ignored;
                       self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                       self->Discard();
                     });
  }

 private:
  void Discard() {
    stream_.async_read_some(net::buffer(discard_),
                            [self = shared_from_this()](error_code ec, size_t) {
                              if (ec) return self->stream_.close();
                              self->Discard();
                            });
  }

  beast::tcp_stream stream_;
  char discard_[4096];
};

}  // namespace

std::atomic<int> OverloadRefusal::in_flight{0};

void RefuseOverloaded(tcp::socket socket) {
  if (OverloadRefusal::in_flight.fetch_add(1) >= OverloadRefusal::kMaxInFlight) {
    OverloadRefusal::in_flight.fetch_sub(1);
    CountRefusal(503);
    error_code ignored;
    socket.close(ignored);
    return;
  }
  std::make_shared<OverloadRefusal>(std::move(socket))->Start();
}

}  // namespace nauthera::http_internal
