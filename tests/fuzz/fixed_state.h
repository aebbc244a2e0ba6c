// What the fuzz targets that need a token-server state share: one fixed state (a fixed RSA
// key, an issuer, a session key, a confidential and a public client), built once per process
// so every run of a crashing input is the same.
#ifndef NAUTHERA_TESTS_FUZZ_FIXED_STATE_H_
#define NAUTHERA_TESTS_FUZZ_FIXED_STATE_H_

#include <cstdint>

#include "tokenserver/state/snapshot.h"

namespace nauthera::fuzz {

inline constexpr char kIssuer[] = "https://issuer.example";
inline constexpr char kConfidentialId[] = "confidential-client";
inline constexpr char kConfidentialSecret[] = "s3cr3t";
inline constexpr char kPublicId[] = "public-client";
// 32 bytes, as the snapshot requires; also the key fuzz_sealed_value opens values with.
inline constexpr char kSessionKey[] = "fuzz-session-key-0123456789abcdef";
inline constexpr int64_t kNow = 1'800'000'000;

// The fixed private key (PKCS#8 PEM), a test key that signs nothing but fuzz inputs.
const char* FixedKeyPem();
// The snapshot over that key; aborts if it cannot be built (a broken harness, not a finding).
const Snapshot& FixedSnapshot();

}  // namespace nauthera::fuzz

#endif  // NAUTHERA_TESTS_FUZZ_FIXED_STATE_H_
