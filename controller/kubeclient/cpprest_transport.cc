#include "controller/kubeclient/cpprest_transport.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ssl.hpp>
#include <pplx/threadpool.h>
#include <cpprest/http_client.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "controller/kubeclient/api_status.h"

namespace nauthera::controller::kube {

void InitCpprestThreads(int threads) {
  crossplat::threadpool::initialize_with_threads(static_cast<size_t>(threads));
}

namespace {

namespace http = web::http;
namespace client = web::http::client;

constexpr size_t kReadBufferBytes = 64 * 1024;

struct TlsMaterial {
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
};

// Trust exactly the CAs in `pem`: a new certificate store replaces the one holding the
// system's CAs.
void PinCertificateAuthorities(SSL_CTX* ctx, const std::string& pem) {
  X509_STORE* store = X509_STORE_new();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
    ++count;
  }
  ERR_clear_error();  // the loop ends on "no start line", which is not an error here
  BIO_free(bio);
  if (count == 0) {
    X509_STORE_free(store);
    throw std::runtime_error("the certificate authority holds no PEM certificate");
  }
  SSL_CTX_set_cert_store(ctx, store);  // takes ownership; frees the system store
}

// Throws (std::exception) when the material is unusable.
void ConfigureTls(boost::asio::ssl::context& ctx, const TlsMaterial& tls) {
  if (!tls.ca_pem.empty()) PinCertificateAuthorities(ctx.native_handle(), tls.ca_pem);
  if (!tls.client_cert_pem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(tls.client_cert_pem));
    ctx.use_private_key(boost::asio::buffer(tls.client_key_pem), boost::asio::ssl::context::pem);
    if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
      ERR_clear_error();
      throw std::runtime_error("the client key does not match the client certificate");
    }
  }
}

std::string ContextOf(const TransportRequest& request) {
  std::string path = request.path.substr(0, request.path.find('?'));
  return absl::StrCat(request.method, " ", path);
}

class CpprestTransport : public Transport {
 public:
  CpprestTransport(std::string server, client::http_client_config base_config,
                   CpprestTransportOptions options)
      : server_(std::move(server)),
        base_config_(std::move(base_config)),
        options_(std::move(options)),
        pool_(NewPool()) {}

  absl::StatusOr<TransportResponse> Send(const TransportRequest& request) override {
    for (int attempt = 1;; ++attempt) {
      std::shared_ptr<client::http_client> client =
          request.timeout_seconds > 0 && request.timeout_seconds != options_.request_timeout_seconds
              ? std::make_shared<client::http_client>(server_,
                                                      ConfigWithTimeout(request.timeout_seconds))
              : Pool();
      // Last-resort catch: cpprestsdk reports every failure by throwing.
      std::string failure;
      try {
        return ReadWhole(client->request(ToCpprest(request)).get());
      } catch (const std::exception& e) {
        failure = e.what();
      } catch (...) {
        failure = "unknown failure";
      }
      // The pool's connections may all be dead (the API server restarted and closed them):
      // later requests get fresh ones.
      ResetPool(client);
      if (attempt == 1 && MayRetry(request.method, failure)) continue;
      return NetworkError(ContextOf(request), failure);
    }
  }

  absl::StatusOr<TransportResponse> Stream(const TransportRequest& request,
                                           const ChunkHandler& on_chunk,
                                           Cancellation* cancel) override {
    pplx::cancellation_token_source cts;
    ScopedCancelCallback on_cancel(cancel, [&cts] { cts.cancel(); });
    try {
      // A client of its own: the watch holds its connection for minutes, and a cancelled
      // one is closed under cpprestsdk's feet; neither should touch the shared pool.
      client::http_client stream_client(
          server_, ConfigWithTimeout(request.timeout_seconds > 0 ? request.timeout_seconds
                                                                 : 3600));
      http::http_response response =
          stream_client.request(ToCpprest(request), cts.get_token()).get();
      if (response.status_code() < 200 || response.status_code() > 299) {
        return ReadWhole(response);
      }
      TransportResponse out;
      out.status = response.status_code();
      ReadBody(response, on_chunk);
      // When we stopped reading before the body ended, cpprestsdk would go on reading the
      // watch into its buffer until the server ends it: close the connection now.
      cts.cancel();
      if (cancel != nullptr && cancel->cancelled()) {
        return absl::CancelledError(absl::StrCat(ContextOf(request), ": cancelled"));
      }
      return out;
    } catch (const pplx::task_canceled&) {
      return absl::CancelledError(absl::StrCat(ContextOf(request), ": cancelled"));
    } catch (const std::exception& e) {
      if (cancel != nullptr && cancel->cancelled()) {
        return absl::CancelledError(absl::StrCat(ContextOf(request), ": cancelled"));
      }
      // The server went away under the watch: the pool's kept-alive connections are likely
      // dead too; later requests get fresh ones rather than failing on them.
      ResetPool(Pool());
      return NetworkError(ContextOf(request), e.what());
    } catch (...) {
      return NetworkError(ContextOf(request), "unknown failure");
    }
  }

 private:
  // Whether a request that failed with `failure` (cpprestsdk's message) can be sent again on a
  // new connection: when it never left (a kept-alive connection the server had closed, as Go's
  // net/http retries), or when it only reads (GET).
  static bool MayRetry(absl::string_view method, absl::string_view failure) {
    return method == "GET" || absl::StartsWith(failure, "Failed to write request") ||
           absl::StartsWith(failure, "Failed to connect");
  }

  std::shared_ptr<client::http_client> NewPool() const {
    return std::make_shared<client::http_client>(
        server_, ConfigWithTimeout(options_.request_timeout_seconds));
  }
  std::shared_ptr<client::http_client> Pool() {
    absl::MutexLock lock(&mu_);
    return pool_;
  }
  void ResetPool(const std::shared_ptr<client::http_client>& failed) {
    absl::MutexLock lock(&mu_);
    if (pool_ == failed) pool_ = NewPool();
  }

  // Hands the body to `on_chunk` as it arrives: wait for one byte, then take whatever else is
  // already buffered. Throws what cpprestsdk throws when the connection breaks.
  static void ReadBody(http::http_response& response, const ChunkHandler& on_chunk) {
    concurrency::streams::streambuf<uint8_t> body = response.body().streambuf();
    std::vector<uint8_t> buffer(kReadBufferBytes);
    while (true) {
      size_t n = body.getn(buffer.data(), 1).get();
      if (n == 0) return;  // end of body
      size_t available = body.in_avail();
      if (available > 0) {
        n += body.getn(buffer.data() + 1, std::min(available, buffer.size() - 1)).get();
      }
      if (!on_chunk(absl::string_view(reinterpret_cast<const char*>(buffer.data()), n))) return;
    }
  }

  client::http_client_config ConfigWithTimeout(int seconds) const {
    client::http_client_config config = base_config_;
    config.set_timeout(std::chrono::seconds(seconds));
    return config;
  }

  http::http_request ToCpprest(const TransportRequest& request) const {
    http::http_request out(request.method);
    out.set_request_uri(web::uri(request.path));
    out.headers().add("Accept", "application/json");
    out.headers().add("User-Agent", options_.user_agent);
    if (!request.bearer_token.empty()) {
      out.headers().add("Authorization", absl::StrCat("Bearer ", request.bearer_token));
    }
    if (!request.content_type.empty()) out.set_body(request.body, request.content_type);
    return out;
  }

  static TransportResponse ReadWhole(http::http_response response) {
    TransportResponse out;
    out.status = response.status_code();
    out.body = response.extract_utf8string(/*ignore_content_type=*/true).get();
    auto retry_after = response.headers().find("Retry-After");
    if (retry_after != response.headers().end()) out.retry_after = retry_after->second;
    return out;
  }

  const std::string server_;
  const client::http_client_config base_config_;
  const CpprestTransportOptions options_;
  absl::Mutex mu_;
  std::shared_ptr<client::http_client> pool_ ABSL_GUARDED_BY(mu_);  // shared keep-alive connections
};

}  // namespace

absl::StatusOr<std::unique_ptr<Transport>> NewCpprestTransport(
    const KubeConfig& config, const CpprestTransportOptions& options) {
  if (!config.tls_server_name.empty()) {
    return absl::UnimplementedError("kubeconfig: tls-server-name is not supported");
  }
  TlsMaterial tls{config.ca_pem, config.client_cert_pem, config.client_key_pem};
  try {
    // Fail now, with a message, rather than inside cpprestsdk's callback on every request.
    boost::asio::ssl::context probe(boost::asio::ssl::context::tls_client);
    ConfigureTls(probe, tls);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("kubeconfig TLS material: ", e.what()));
  }
  client::http_client_config base;
  base.set_validate_certificates(!config.insecure_skip_tls_verify);
  base.set_ssl_context_callback(
      [tls](boost::asio::ssl::context& ctx) { ConfigureTls(ctx, tls); });
  try {
    return std::unique_ptr<Transport>(new CpprestTransport(config.server, base, options));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("API server URL \"", config.server, "\": ", e.what()));
  }
}

}  // namespace nauthera::controller::kube
