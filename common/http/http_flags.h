// The HTTP edge's bounds as command-line flags, the same names in both programs.
#ifndef NAUTHERA_COMMON_HTTP_HTTP_FLAGS_H_
#define NAUTHERA_COMMON_HTTP_HTTP_FLAGS_H_

#include <chrono>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/http_limits.h"
#include "common/util/flag_set.h"

namespace nauthera {

struct HttpFlagValues {
  int max_request_line_bytes = 8 * 1024;
  int max_header_bytes = 16 * 1024;
  int max_headers = 100;
  int max_body_bytes = 64 * 1024;
  std::string header_timeout = "10s";
  std::string body_timeout = "10s";
  std::string idle_timeout = "60s";
  int max_connections = 1024;

  // Refuses zero, negative and absurd values with a message naming the flag.
  absl::StatusOr<HttpLimits> ToLimits() const;
};

// A duration flag's value ("500ms", "10s", "2m") within [min, max]; the error names the flag.
absl::StatusOr<std::chrono::milliseconds> ParseFlagDuration(const char* flag,
                                                            const std::string& text,
                                                            absl::Duration min,
                                                            absl::Duration max);

// --http-max-request-line-bytes, --http-max-header-bytes, --http-max-headers,
// --http-max-body-bytes, --http-header-timeout, --http-body-timeout, --http-idle-timeout,
// --http-max-connections.
void DeclareHttpFlags(FlagSet* flags, HttpFlagValues* values);

}  // namespace nauthera

#endif  // NAUTHERA_COMMON_HTTP_HTTP_FLAGS_H_
