#include "common/http/http_server.h"

#include <cpprest/http_listener.h>
#include <pplx/threadpool.h>

#include <boost/asio/ssl.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/util/log.h"

namespace nauthera {

namespace http = web::http;
using http::experimental::listener::http_listener;
using http::experimental::listener::http_listener_config;

void InitHttpThreads(int threads) {
  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(threads));
}

struct HttpServer::Impl {
  std::unique_ptr<http_listener> listener;
};

namespace {

HttpRequest ToOurRequest(const http::http_request& request) {
  HttpRequest out;
  out.method = request.method();
  const web::uri& uri = request.request_uri();
  out.path = uri.path();
  out.query = uri.query();
  for (const auto& [name, value] : request.headers()) {
    out.headers.emplace_back(absl::AsciiStrToLower(name), value);
  }
  out.remote_address = request.remote_address();
  return out;
}

http::http_response ToCppRest(HttpResponse response) {
  http::http_response out(static_cast<http::status_code>(response.status));
  std::string content_type;
  for (auto& [name, value] : response.headers) {
    if (absl::EqualsIgnoreCase(name, "content-type")) {
      content_type = value;
    } else {
      out.headers().add(name, value);
    }
  }
  std::vector<unsigned char> bytes(response.body.begin(), response.body.end());
  out.set_body(std::move(bytes));
  if (!content_type.empty()) out.headers().set_content_type(content_type);
  return out;
}

HttpResponse InternalError() {
  HttpResponse response = HttpResponse::Json(
      500, R"({"error":"server_error","error_description":"internal error"})");
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

// Runs the handler with a last-resort catch: nothing a request does may take the server down.
void Dispatch(const HttpHandler& handler, http::http_request request, HttpRequest ours) {
  HttpResponse response;
  try {
    response = handler(ours);
  } catch (const std::exception& e) {
    LogError("request handler threw", {{"path", ours.path}, {"error", e.what()}});
    response = InternalError();
  } catch (...) {
    LogError("request handler threw", {{"path", ours.path}});
    response = InternalError();
  }
  request.reply(ToCppRest(std::move(response))).then([](pplx::task<void> t) {
    try {
      t.get();
    } catch (...) {  // the peer went away; nothing to do
    }
  });
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const Options& options,
                                                              HttpHandler handler) {
  http_listener_config config;
  if (absl::StartsWith(options.listen_url, "https://")) {
    if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
      return absl::InvalidArgumentError(
          "an https listen address needs --tls-cert-file and --tls-key-file");
    }
    std::string cert = options.tls_cert_file, key = options.tls_key_file;
    config.set_ssl_context_callback([cert, key](boost::asio::ssl::context& ctx) {
      ctx.set_options(boost::asio::ssl::context::default_workarounds |
                      boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                      boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
      ctx.use_certificate_chain_file(cert);
      ctx.use_private_key_file(key, boost::asio::ssl::context::pem);
    });
  }
  auto impl = std::make_unique<Impl>();
  try {
    impl->listener = std::make_unique<http_listener>(web::uri(options.listen_url), config);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad listen address \"", options.listen_url, "\": ", e.what()));
  }
  size_t max_body = options.max_body_bytes;
  impl->listener->support([handler, max_body](http::http_request request) {
    HttpRequest ours = ToOurRequest(request);
    auto declared = request.headers().content_length();
    if (declared > max_body) {
      ours.body_too_large = true;  // never read a body we would refuse
      Dispatch(handler, request, std::move(ours));
      return;
    }
    request.extract_vector().then([handler, request, ours, max_body](
                                      pplx::task<std::vector<unsigned char>> body) mutable {
      try {
        std::vector<unsigned char> bytes = body.get();
        if (bytes.size() > max_body) {
          ours.body_too_large = true;
        } else {
          ours.body.assign(bytes.begin(), bytes.end());
        }
      } catch (const std::exception&) {  // the body could not be read: treat as empty
        ours.body.clear();
      }
      Dispatch(handler, request, std::move(ours));
    });
  });
  try {
    impl->listener->open().wait();
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_url, ": ", e.what()));
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::Stop() {
  if (impl_ && impl_->listener) {
    try {
      impl_->listener->close().wait();
    } catch (...) {
    }
    impl_->listener.reset();
  }
}

}  // namespace nauthera
