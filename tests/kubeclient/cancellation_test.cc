#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include "controller/kubeclient/backoff.h"
#include "controller/kubeclient/cancellation.h"

namespace nauthera::controller::kube {
namespace {

TEST_CASE("Cancel() wakes sleepers and runs callbacks; late callbacks run at once") {
  Cancellation cancel;
  int runs = 0;
  cancel.AddCallback([&] { ++runs; });
  std::thread sleeper([&] { CHECK_FALSE(cancel.SleepFor(absl::Seconds(30))); });
  absl::SleepFor(absl::Milliseconds(50));
  absl::Time start = absl::Now();
  cancel.Cancel();
  sleeper.join();
  CHECK(absl::Now() - start < absl::Seconds(5));
  CHECK(runs == 1);
  cancel.Cancel();  // twice is fine, callbacks do not run again
  CHECK(runs == 1);
  cancel.AddCallback([&] { ++runs; });
  CHECK(runs == 2);
  CHECK(cancel.cancelled());
}

TEST_CASE("a removed callback does not run, and removal waits for one that is running") {
  Cancellation cancel;
  int removed_runs = 0;
  int id = cancel.AddCallback([&] { ++removed_runs; });
  cancel.RemoveCallback(id);
  std::atomic<bool> in_callback{false};
  std::atomic<bool> callback_done{false};
  auto state = std::make_unique<int>(1);
  int slow = cancel.AddCallback([&] {
    in_callback = true;
    absl::SleepFor(absl::Milliseconds(200));
    *state += 1;  // must still be alive
    callback_done = true;
  });
  std::thread canceller([&] { cancel.Cancel(); });
  while (!in_callback) absl::SleepFor(absl::Milliseconds(1));
  cancel.RemoveCallback(slow);
  CHECK(callback_done);
  state.reset();
  canceller.join();
  CHECK(removed_runs == 0);
}

TEST_CASE("backoff doubles up to its cap, with jitter, and starts over after Reset()") {
  Backoff backoff(absl::Milliseconds(100), absl::Milliseconds(800), /*jitter=*/0.2, /*seed=*/7);
  for (int expected : {100, 200, 400, 800, 800}) {
    absl::Duration delay = backoff.Next();
    CAPTURE(expected, absl::FormatDuration(delay));
    CHECK(delay >= absl::Milliseconds(expected) * 0.8);
    CHECK(delay <= absl::Milliseconds(expected) * 1.2);
  }
  backoff.Reset();
  CHECK(backoff.Next() <= absl::Milliseconds(120));
}

}  // namespace
}  // namespace nauthera::controller::kube
