#include "tokenserver/session/login_limiter.h"

#include "absl/strings/str_cat.h"
#include "tokenserver/store/memory_attempt_counter.h"

namespace nauthera {

LoginLimiter::LoginLimiter(Limits limits)
    : limits_(limits),
      owned_(std::make_unique<MemoryAttemptCounter>()),
      counter_(owned_.get()) {}

LoginLimiter::LoginLimiter(Limits limits, AttemptCounter* counter)
    : limits_(limits), counter_(counter) {}

LoginLimiter::~LoginLimiter() = default;

std::string LoginLimiter::AccountAddressKey(const std::string& username,
                                            const std::string& address) {
  // The length first: "a" + "b@c" and "a@b" + "c" are different keys.
  return absl::StrCat("ua:", username.size(), ":", username, "@", address);
}

std::string LoginLimiter::AddressKey(const std::string& address) {
  return absl::StrCat("a:", address);
}

absl::StatusOr<int64_t> LoginLimiter::Reserve(const std::string& username,
                                              const std::string& address, int64_t now) {
  AttemptPolicy policy{limits_.max_delay_seconds, limits_.forget_after_seconds};
  return counter_->Reserve(
      {{AccountAddressKey(username, address), limits_.free_failures_per_account_address},
       {AddressKey(address), limits_.free_failures_per_address}},
      policy, now);
}

absl::Status LoginLimiter::Succeeded(const std::string& username, const std::string& address) {
  return counter_->Release({AccountAddressKey(username, address)}, {AddressKey(address)});
}

}  // namespace nauthera
