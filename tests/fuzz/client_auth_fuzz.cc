// AuthenticateClient (tokenserver/oauth/client_auth.h) with an arbitrary Authorization header
// (HTTP Basic, RFC 7617 §2 + RFC 6749 §2.3.1) and an arbitrary form body, against a fixed
// state (tests/fuzz/fixed_state.h). Invariants: success names a client of the state by a
// method it registered, and only the right secret authenticates the confidential client; an
// error is invalid_client or invalid_request, and its response headers never carry CR or LF.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "absl/strings/str_cat.h"
#include "common/encoding/base64.h"
#include "common/http/request_head.h"
#include "common/util/url.h"
#include "tests/fuzz/fixed_state.h"
#include "tests/fuzz/fuzz_check.h"
#include "tokenserver/oauth/client_auth.h"
#include "tokenserver/oauth/oauth_error.h"

namespace {

using nauthera::fuzz::kConfidentialId;
using nauthera::fuzz::kConfidentialSecret;
using nauthera::fuzz::kPublicId;

void CheckError(const nauthera::OAuthError& error) {
  FUZZ_CHECK(error.code == nauthera::OAuthErrorCode::kInvalidClient ||
             error.code == nauthera::OAuthErrorCode::kInvalidRequest);
  nauthera::HttpResponse response = nauthera::ToHttpResponse(error);
  for (const auto& [name, value] : response.headers) {
    FUZZ_CHECK(nauthera::IsToken(name));
    FUZZ_CHECK(nauthera::IsSafeFieldValue(value));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider provider(data, size);
  bool with_header = provider.ConsumeBool();
  std::string authorization = provider.ConsumeRandomLengthString(1024);
  std::string body = provider.ConsumeRemainingBytesAsString();
  const nauthera::Snapshot& snapshot = nauthera::fuzz::FixedSnapshot();

  auto form = nauthera::Form::Parse(body);
  if (!form.ok()) form = *nauthera::Form::Parse("");
  nauthera::HttpRequest request;
  request.method = "POST";
  request.path = "/oauth2/token";
  if (with_header) request.headers.emplace_back("authorization", authorization);

  auto result = nauthera::AuthenticateClient(request, *form, snapshot);
  if (result.ok()) {
    FUZZ_CHECK(result->client != nullptr);
    if (result->method == "none") {
      FUZZ_CHECK(result->client->client_id() == kPublicId);
    } else {
      FUZZ_CHECK(result->method == "client_secret_basic" ||
                 result->method == "client_secret_post");
      // The fixed state's only confidential client; its secret is kConfidentialSecret.
      FUZZ_CHECK(result->client->client_id() == kConfidentialId);
      FUZZ_CHECK((result->method == "client_secret_basic") == with_header);
    }
  } else {
    CheckError(result.error());
  }

  // The fuzzed text as the secret in well-formed Basic credentials: only the real secret
  // authenticates, whatever bytes the form-urlencoding carries.
  nauthera::HttpRequest basic = request;
  basic.headers.clear();
  basic.headers.emplace_back(
      "authorization",
      absl::StrCat("Basic ", nauthera::Base64Encode(absl::StrCat(
                                 kConfidentialId, ":", nauthera::FormUrlEncode(authorization)))));
  auto empty = nauthera::Form::Parse("");
  auto again = nauthera::AuthenticateClient(basic, *empty, snapshot);
  FUZZ_CHECK(again.ok() == (authorization == kConfidentialSecret));
  if (!again.ok()) CheckError(again.error());
  return 0;
}
