// A small, valid state for token-server tests: one signing key, a service account
// ci-cd/ci-deployer (secret kSaSecret), a public client nauthera-system/kubectl (first-party:
// consent skipped), a confidential client apps/dashboard (consent required), and users alice,
// bob and carol (disabled).
#ifndef NAUTHERA_TESTS_TOKENSERVER_TEST_STATE_H_
#define NAUTHERA_TESTS_TOKENSERVER_TEST_STATE_H_

#include <memory>
#include <string>

#include "common/http/http_types.h"
#include "nauthera/v1/state.pb.h"
#include "tokenserver/state/snapshot.h"

namespace nauthera::testing {

inline constexpr char kIssuer[] = "http://127.0.0.1:8080";
inline constexpr char kSaId[] = "0123456789abcdef0123456789abcdef";
inline constexpr char kSaSecret[] = "s3cr3t-0123456789-abcdefghijklmnopqrstuvwxyz";
inline constexpr char kPublicId[] = "fedcba9876543210fedcba9876543210";
inline constexpr char kWebId[] = "web-dashboard-client";
inline constexpr char kWebSecret[] = "dashboard-secret-0123456789abcdefghijklmnop";
// Users alice (developers), bob (viewers) and carol (disabled) share this password.
inline constexpr char kUserPassword[] = "correct horse battery staple";
inline constexpr int64_t kNow = 1'800'000'000;

// The key is generated once per test binary (RSA generation is slow).
const std::string& TestKeyPem();

const std::string& UserPasswordHash();
v1::State TestState();
std::shared_ptr<const Snapshot> TestSnapshot();

// A POST to /oauth2/token with a form body.
HttpRequest TokenPost(const std::string& body);

}  // namespace nauthera::testing

#endif  // NAUTHERA_TESTS_TOKENSERVER_TEST_STATE_H_
