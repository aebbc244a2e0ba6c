#include "common/http/http_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/http/http_connection.h"
#include "common/http/response_writer.h"
#include "common/http/tls_context.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "absl/strings/strip.h"

namespace nauthera {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using http_internal::ServerCore;

struct HttpServer::Impl {
  // Declared first so it outlives the io_context, whose destruction ends the connections.
  ServerCore core;
  net::io_context ioc;
  tcp::acceptor acceptor{net::make_strand(ioc)};
  net::steady_timer accept_retry{acceptor.get_executor()};
  net::steady_timer tls_reload{acceptor.get_executor()};
  std::unique_ptr<ReloadingTlsContext> tls;
  std::vector<std::thread> threads;
  int port = 0;
  bool stopped = false;

  explicit Impl(int threads) : ioc(threads) {}

  void Accept();
  void OnAccept(const boost::system::error_code& ec, tcp::socket socket);
  void ScheduleTlsReload();
  void RunThread();
};

namespace {

// "http://HOST:PORT" or "https://HOST:PORT" (an optional trailing "/"), HOST an IP address,
// "[v6]" or localhost; PORT digits only, 0 for a free one.
absl::StatusOr<tcp::endpoint> ListenEndpoint(absl::string_view listen_url, bool* https) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("bad listen address \"", listen_url, "\": ",
                                                   why, " (want http://HOST:PORT or "
                                                   "https://HOST:PORT)"));
  };
  absl::string_view rest = listen_url;
  *https = absl::ConsumePrefix(&rest, "https://");
  if (!*https && !absl::ConsumePrefix(&rest, "http://")) return bad("not http or https");
  absl::ConsumeSuffix(&rest, "/");
  size_t colon = rest.rfind(':');
  if (colon == absl::string_view::npos || colon + 1 == rest.size()) return bad("no port");
  absl::string_view host = rest.substr(0, colon), port_text = rest.substr(colon + 1);
  int port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9' || port > 65535) return bad("the port must be digits");
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return bad("the port must be at most 65535");
  if (absl::ConsumePrefix(&host, "[") && !absl::ConsumeSuffix(&host, "]")) return bad("bad [v6]");
  std::string ip = host == "localhost" ? "127.0.0.1" : std::string(host);
  boost::system::error_code ec;
  net::ip::address address = net::ip::make_address(ip, ec);
  if (ec) return bad("the host must be an IP address or localhost");
  return tcp::endpoint(address, static_cast<unsigned short>(port));
}

void DefineServerMetrics() {
  Metrics::Global().DefineCounter("nauthera_http_refused_total",
                                  "Requests the HTTP edge refused itself, by status", {"code"});
}

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [this](const boost::system::error_code& ec, tcp::socket socket) {
                          OnAccept(ec, std::move(socket));
                        });
}

void HttpServer::Impl::OnAccept(const boost::system::error_code& ec, tcp::socket socket) {
  if (!acceptor.is_open()) return;  // shut down
  if (ec) {
    // Out of file descriptors, or the like: back off instead of spinning.
    LogWarning("http accept failed", {{"error", ec.message()}});
    accept_retry.expires_after(std::chrono::milliseconds(50));
    accept_retry.async_wait([this](const boost::system::error_code& wait) {
      if (!wait) Accept();
    });
    return;
  }
  if (core.open.load() >= core.options.limits.max_connections) {
    http_internal::RefuseOverloaded(std::move(socket));
  } else {
    core.open.fetch_add(1);
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (tls) {
      http_internal::StartTlsConnection(std::move(socket), tls->Current(), &core);
    } else {
      http_internal::StartPlainConnection(std::move(socket), &core);
    }
  }
  Accept();
}

void HttpServer::Impl::ScheduleTlsReload() {
  tls_reload.expires_after(core.options.tls_reload_interval);
  tls_reload.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !acceptor.is_open()) return;
    tls->ReloadIfChanged();
    ScheduleTlsReload();
  });
}

void HttpServer::Impl::RunThread() {
  // Nothing a connection does may end the process: a stray exception is logged and the
  // thread goes back to serving.
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      LogError("http i/o thread caught an exception", {{"error", e.what()}});
    } catch (...) {
      LogError("http i/o thread caught an exception");
    }
  }
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(Options options,
                                                              HttpHandler handler) {
  bool https = false;
  auto endpoint = ListenEndpoint(options.listen_url, &https);
  if (!endpoint.ok()) return endpoint.status();
  if (options.threads <= 0) options.threads = 1;
  if (!options.error_response) options.error_response = DefaultErrorResponse;
  auto impl = std::make_unique<Impl>(options.threads);
  if (https) {
    if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
      return absl::InvalidArgumentError(
          "an https listen address needs --tls-cert-file and --tls-key-file");
    }
    auto tls = ReloadingTlsContext::Create(options.tls_cert_file, options.tls_key_file);
    if (!tls.ok()) return tls.status();
    impl->tls = *std::move(tls);
  }
  DefineServerMetrics();
  boost::system::error_code ec;
  impl->acceptor.open(endpoint->protocol(), ec);
  if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(*endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_url, ": ", ec.message()));
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->core.options = std::move(options);
  impl->core.handler = std::move(handler);
  Impl* raw = impl.get();
  net::post(impl->acceptor.get_executor(), [raw] {
    raw->Accept();
    if (raw->tls) raw->ScheduleTlsReload();
  });
  for (int i = 0; i < raw->core.options.threads; ++i) {
    raw->threads.emplace_back([raw] { raw->RunThread(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

void HttpServer::Shutdown(std::chrono::milliseconds grace) {
  if (!impl_ || impl_->stopped) return;
  Impl* impl = impl_.get();
  impl->stopped = true;
  // 1. No new connections; connections that finish a response close instead of waiting.
  impl->core.draining.store(true);
  net::post(impl->acceptor.get_executor(), [impl] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
    impl->tls_reload.cancel();
  });
  // 2. Idle keep-alive connections close now; requests in flight go on.
  impl->core.DrainAll();
  // 3. Wait for them, at most `grace`; then stop whatever is left.
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl->core.open.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  impl->ioc.stop();
  for (std::thread& thread : impl->threads) {
    if (thread.joinable()) thread.join();
  }
}

void HttpServer::CloseAfterResponses() { impl_->core.close_after_response.store(true); }

void HttpServer::Stop() { Shutdown(std::chrono::milliseconds(0)); }

}  // namespace nauthera
