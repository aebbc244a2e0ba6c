#include "common/http/tls_context.h"

#include <openssl/ssl.h>
#include <sys/stat.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/util/log.h"

namespace nauthera {
namespace {

namespace ssl = boost::asio::ssl;

// Mozilla's "intermediate" TLS 1.2 suites: ECDHE key exchange, AEAD only. TLS 1.3 keeps
// OpenSSL's defaults (all AEAD).
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// RFC 7301 §3.2: choose http/1.1 when offered; with no overlap continue without ALPN
// rather than fail the handshake (a client that offers only h2 may still speak HTTP/1.1).
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
  for (unsigned int i = 0; i < inlen;) {
    unsigned int len = in[i];
    if (i + 1 + len > inlen) break;
    if (len == sizeof(kHttp11) && std::memcmp(in + i + 1, kHttp11, len) == 0) {
      *out = in + i + 1;
      *outlen = static_cast<unsigned char>(len);
      return SSL_TLSEXT_ERR_OK;
    }
    i += 1 + len;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

// Size, modification time and inode of both files: cert-manager and kubelet replace a
// Secret volume's files by swapping a symlink, which stat() follows.
std::string Signature(const std::string& cert_file, const std::string& key_file) {
  std::string out;
  for (const std::string* file : {&cert_file, &key_file}) {
    struct stat st {};
    if (stat(file->c_str(), &st) != 0) return "";
    absl::StrAppend(&out, st.st_ino, ":", st.st_size, ":", st.st_mtim.tv_sec, ".",
                    st.st_mtim.tv_nsec, ";");
  }
  return out;
}

}  // namespace

absl::StatusOr<std::shared_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                                   const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  try {
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::no_compression | ssl::context::single_dh_use);
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
      return absl::InternalError("OpenSSL refused the TLS 1.2 cipher list");
    }
    SSL_CTX_set_alpn_select_cb(native, SelectAlpn, nullptr);
    ctx->use_certificate_chain_file(cert_file);
    ctx->use_private_key_file(key_file, ssl::context::pem);
    if (SSL_CTX_check_private_key(native) != 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the private key in ", key_file, " does not match the certificate in ", cert_file));
    }
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("cannot load TLS certificate ", cert_file,
                                                   " and key ", key_file, ": ", e.what()));
  }
  return ctx;
}

ReloadingTlsContext::ReloadingTlsContext(std::string cert_file, std::string key_file)
    : cert_file_(std::move(cert_file)), key_file_(std::move(key_file)) {}

absl::StatusOr<std::unique_ptr<ReloadingTlsContext>> ReloadingTlsContext::Create(
    std::string cert_file, std::string key_file) {
  std::unique_ptr<ReloadingTlsContext> out(
      new ReloadingTlsContext(std::move(cert_file), std::move(key_file)));
  std::string signature = Signature(out->cert_file_, out->key_file_);
  auto ctx = MakeServerTlsContext(out->cert_file_, out->key_file_);
  if (!ctx.ok()) return ctx.status();
  MutexLock lock(&out->mu_);
  out->current_ = *std::move(ctx);
  out->loaded_signature_ = signature;
  return out;
}

std::shared_ptr<ssl::context> ReloadingTlsContext::Current() const {
  MutexLock lock(&mu_);
  return current_;
}

bool ReloadingTlsContext::ReloadIfChanged() {
  std::string signature = Signature(cert_file_, key_file_);
  {
    MutexLock lock(&mu_);
    if (signature.empty() || signature == loaded_signature_ || signature == failed_signature_) {
      return false;
    }
  }
  auto ctx = MakeServerTlsContext(cert_file_, key_file_);
  MutexLock lock(&mu_);
  if (!ctx.ok()) {
    // Remembered so a broken pair is logged once, and retried as soon as a file changes.
    failed_signature_ = signature;
    LogError("tls certificate reload failed; still serving the previous one",
             {{"cert_file", cert_file_}, {"error", std::string(ctx.status().message())}});
    return false;
  }
  current_ = *std::move(ctx);
  loaded_signature_ = signature;
  failed_signature_.clear();
  LogInfo("tls certificate reloaded", {{"cert_file", cert_file_}, {"key_file", key_file_}});
  return true;
}

}  // namespace nauthera
