#include "controller/manager/controller_manager.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "controller/metrics/controller_metrics.h"
#include "controller/policy/policy_index.h"
#include "controller/reconcilers/audience_clients.h"
#include "controller/reconcilers/client_outcome.h"
#include "controller/reconcilers/oidc_client_reconciler.h"
#include "controller/reconcilers/policy_reconciler.h"
#include "controller/reconcilers/service_account_reconciler.h"
#include "controller/reconcilers/user_reconciler.h"

namespace nauthera::controller {

struct ControllerManager::Pass {
  explicit Pass(const SourceState& source) : policies(source.objects) {
    for (const DecodeError& error : source.errors) {
      if (error.key) errors_by_key[*error.key].push_back(&error);
    }
  }
  PolicyIndex policies;
  std::map<ObjectKey, std::vector<const DecodeError*>> errors_by_key;
  std::vector<ObjectStatus> statuses;
  std::vector<ServableClient> servable;
  std::vector<ServableUser> users;
  std::map<ObjectKey, int> governs;  // policy -> clients it governs
  ClientIdIndex oidc_client_ids;     // for policies' audienceClients
};

namespace {

std::string Describe(const DecodeError& error) {
  std::string where =
      error.location.document == 0 ? error.location.file : error.location.ToString();
  return absl::StrCat(where, ": ", error.message);
}

// An object whose document is broken: InvalidManifest, with every error and `consequence`
// (whether its last good version is still in effect).
void MarkBroken(ObjectStatus& status, const std::vector<const DecodeError*>& errors,
                absl::string_view consequence) {
  std::vector<std::string> messages;
  for (const DecodeError* error : errors) messages.push_back(Describe(*error));
  status.ready = false;
  status.reason = std::string(reason::kInvalidManifest);
  status.message = absl::StrJoin(messages, "; ");
  if (!consequence.empty()) absl::StrAppend(&status.message, ". ", consequence);
}

// What the errors of a present object mean for it: a duplicate elsewhere leaves it as it is;
// anything else means it runs on its last good version.
absl::string_view KeptConsequence(const std::vector<const DecodeError*>& errors,
                                  absl::string_view kept) {
  for (const DecodeError* error : errors) {
    if (!error->duplicate) return kept;
  }
  return "";
}

}  // namespace

ControllerManager::ControllerManager(Options options, CredentialStore& store, const KeyRing& keys,
                                     StateBroadcaster& broadcaster, StatusBoard& board)
    : options_(std::move(options)),
      credentials_(store),
      keys_(keys),
      broadcaster_(broadcaster),
      board_(board) {
  if (!options_.clock) options_.clock = [] { return absl::ToUnixSeconds(absl::Now()); };
}

void ControllerManager::ReconcileClients(const SourceState& source, Pass& pass) {
  ReconcileContext context{pass.policies, credentials_};
  std::map<std::string, std::string> client_ids;  // client_id -> its first holder
  for (const ApiObject& object : source.objects) {
    if (!IsClientKind(object.kind)) continue;
    ClientOutcome outcome = object.kind == Kind::kOidcClient
                                ? ReconcileOidcClient(object, context)
                                : ReconcileServiceAccount(object, context);
    for (const PolicyRef& policy : pass.policies.Governing(object.meta.ns)) {
      ++pass.governs[policy.key];
    }
    auto errors = pass.errors_by_key.find(object.Key());
    if (errors != pass.errors_by_key.end()) {
      MarkBroken(outcome.status, errors->second,
                 KeptConsequence(errors->second, outcome.status.served
                                                     ? "Its last good version is still served"
                                                     : "Its last good version is in use"));
    }
    if (outcome.servable) {
      // A client_id copied by hand into another Secret would make the State inconsistent and
      // block every update; the second holder is refused instead, and only it.
      auto [first, unique] = client_ids.emplace(outcome.servable->credentials.client_id,
                                                object.Key().ToString());
      if (unique) {
        if (object.kind == Kind::kOidcClient) {
          pass.oidc_client_ids[ClientRef{object.meta.ns, object.meta.name}] =
              outcome.servable->credentials.client_id;
        }
        pass.servable.push_back(*std::move(outcome.servable));
      } else {
        outcome.status.ready = outcome.status.served = false;
        outcome.status.reason = std::string(reason::kSecretConflict);
        outcome.status.message = absl::StrCat(
            "client_id ", first->first, " in ", outcome.status.credentials_secret_ref,
            " is also used by ", first->second,
            "; client ids must be unique: delete this Secret to get new credentials");
      }
    }
    pass.statuses.push_back(std::move(outcome.status));
  }
  AddAudienceClientIds(pass.oidc_client_ids, pass.servable);
  int64_t longest = std::max(kDefaultAccessTokenTtlSeconds, kDefaultIdTokenTtlSeconds);
  for (const ServableClient& client : pass.servable) {
    longest = std::max({longest, client.policy.access_token_ttl_seconds,
                        client.policy.id_token_ttl_seconds});
  }
  max_token_ttl_seconds_ = longest;
}

void ControllerManager::ReconcileUsers(const SourceState& source, Pass& pass) {
  std::map<std::pair<std::string, std::string>, const SecretSpec*> secrets;
  for (const ApiObject& object : source.objects) {
    if (const SecretSpec* secret = object.As<SecretSpec>()) {
      secrets[{object.meta.ns, object.meta.name}] = secret;
    }
  }
  SecretLookup lookup = [&secrets](const std::string& ns, const std::string& name) {
    auto it = secrets.find({ns, name});
    return it == secrets.end() ? nullptr : it->second;
  };
  // Case-folded username and email -> the user that has it. Both are ASCII (the CRD
  // patterns), so folding ASCII is folding all, and no two users differ by a look-alike.
  std::map<std::string, std::string> usernames;
  std::map<std::string, std::string> emails;
  for (const ApiObject& object : source.objects) {
    if (object.kind != Kind::kNautheraUser) continue;
    UserOutcome outcome = ReconcileUser(object, lookup);
    auto errors = pass.errors_by_key.find(object.Key());
    if (errors != pass.errors_by_key.end()) {
      MarkBroken(outcome.status, errors->second,
                 KeptConsequence(errors->second, "Its last good version is still in effect"));
    }
    // Two people with one login name or one email: the later is refused, and only it.
    const ServableUser& user = outcome.servable;
    auto name_holder = usernames.find(absl::AsciiStrToLower(user.username));
    auto email_holder = user.email.empty() ? emails.end()
                                           : emails.find(absl::AsciiStrToLower(user.email));
    if (name_holder != usernames.end()) {
      outcome.status.ready = outcome.status.served = false;
      outcome.status.reason = std::string(reason::kUsernameConflict);
      outcome.status.message = absl::StrCat(
          "username \"", user.username, "\" is already taken (ignoring case) by NautheraUser ",
          name_holder->second, "; pick another spec.username");
    } else if (email_holder != emails.end()) {
      outcome.status.ready = outcome.status.served = false;
      outcome.status.reason = std::string(reason::kEmailConflict);
      outcome.status.message = absl::StrCat(
          "email \"", user.email, "\" is already used (ignoring case) by NautheraUser ",
          email_holder->second,
          "; kube-apiserver would take both for one user: pick another spec.email");
    } else {
      usernames.emplace(absl::AsciiStrToLower(user.username), object.meta.name);
      if (!user.email.empty()) emails.emplace(absl::AsciiStrToLower(user.email), object.meta.name);
      pass.users.push_back(std::move(outcome.servable));
    }
    pass.statuses.push_back(std::move(outcome.status));
  }
}

void ControllerManager::ReconcileOthers(const SourceState& source, Pass& pass) {
  for (const ApiObject& object : source.objects) {
    ObjectStatus status;
    if (IsPolicyKind(object.kind)) {
      status = ReconcilePolicy(object, pass.governs[object.Key()], pass.oidc_client_ids);
    } else if (object.kind == Kind::kNamespace) {
      status = StatusFor(object);
      status.ready = true;
      status.reason = std::string(reason::kReady);
      std::vector<std::string> refs;
      for (const PolicyRef& policy : pass.policies.Governing(object.meta.name)) {
        refs.push_back(policy.key.ToRef());
      }
      status.message = refs.empty() ? "no policy governs it"
                                     : absl::StrCat("governed by ", absl::StrJoin(refs, ", "));
    } else {
      continue;
    }
    auto errors = pass.errors_by_key.find(object.Key());
    if (errors != pass.errors_by_key.end()) {
      MarkBroken(status, errors->second,
                 KeptConsequence(errors->second, "Its last good version is still in effect"));
    }
    pass.statuses.push_back(std::move(status));
  }
}

void ControllerManager::ReportDecodeErrors(const SourceState& source, Pass& pass) {
  std::set<ObjectKey> present;
  for (const ApiObject& object : source.objects) present.insert(object.Key());
  // Objects that are broken and have no last good version: one row each.
  for (const auto& [key, errors] : pass.errors_by_key) {
    if (present.count(key) > 0) continue;
    ObjectStatus status;
    status.kind = std::string(KindName(key.kind));
    status.ns = key.ns;
    status.name = key.name;
    status.source = errors.front()->location.ToString();
    MarkBroken(status, errors, "Nothing is served for it until it is fixed");
    pass.statuses.push_back(std::move(status));
  }
  // Documents that could not be identified (or are ignored on purpose).
  for (const DecodeError& error : source.errors) {
    if (error.key) continue;
    ObjectStatus status;
    status.kind = "-";
    status.name = "-";
    status.source = error.location.ToString();
    status.reason = std::string(error.warning ? reason::kNotSupported : reason::kInvalidManifest);
    status.message = Describe(error);
    pass.statuses.push_back(std::move(status));
  }
}

void ControllerManager::CollectGarbage(const SourceState& source) {
  // Until every document is identified, a missing object may only be unreadable: deleting its
  // credentials then would destroy a secret that is still in use.
  if (!source.complete) {
    std::string note = "credentials garbage collection waits until every manifest parses";
    if (note != last_gc_note_) LogWarning(note);
    last_gc_note_ = note;
    return;
  }
  last_gc_note_.clear();
  std::set<ObjectKey> live;
  for (const ApiObject& object : source.objects) live.insert(object.Key());
  for (const DecodeError& error : source.errors) {
    if (error.key) live.insert(*error.key);
  }
  absl::StatusOr<int> deleted = credentials_.CollectGarbage(live);
  if (!deleted.ok()) {
    LogWarning("credentials garbage collection failed; will retry",
               {{"error", std::string(deleted.status().message())}});
  }
}

absl::Status ControllerManager::Publish(Pass& pass) {
  nauthera::v1::State state = BuildState(
      options_.issuer, StateKeys{keys_.keys(), keys_.session_key()}, pass.servable, pass.users);
  absl::Status consistent = CheckStateConsistency(state);
  if (!consistent.ok()) {
    // Never send a State that fails the check: the stream keeps the last good one.
    LogError("state not published", {{"error", std::string(consistent.message())}});
    return consistent;
  }
  // Compare with what is on the stream: the versioner may have seen a State that failed.
  if (versioner_.Stamp(state, options_.clock()) || published_version_ != versioner_.version()) {
    published_version_ = state.version();
    broadcaster_.Publish(std::make_shared<const nauthera::v1::State>(std::move(state)));
    Metrics::Global().Increment(metric::kStatesPublished);
    LogInfo("state published", {{"version", published_version_},
                                {"clients", std::to_string(pass.servable.size())},
                                {"users", std::to_string(pass.users.size())}});
  }
  return absl::OkStatus();
}

absl::Status ControllerManager::Reconcile(const SourceState& source) {
  absl::Time start = absl::Now();
  Pass pass(source);
  // 1. Clients and service accounts, then what depends on them.
  ReconcileClients(source, pass);
  ReconcileUsers(source, pass);
  ReconcileOthers(source, pass);
  ReportDecodeErrors(source, pass);
  // 2. Credentials of removed objects.
  CollectGarbage(source);
  // 3. The State, then what a person reads.
  absl::Status published = Publish(pass);
  // Every series ever set is set again, to 0 when it has no objects now.
  std::map<std::pair<std::string, std::string>, int> counts;
  for (const auto& series : object_series_) counts[series] = 0;
  for (const ObjectStatus& s : pass.statuses) ++counts[{s.kind, s.reason}];
  for (const auto& [labels, count] : counts) {
    object_series_.insert(labels);
    Metrics::Global().Set(metric::kObjects, {labels.first, labels.second}, count);
  }
  absl::Status written = board_.Update(std::move(pass.statuses), published_version_);
  Metrics::Global().Increment(metric::kReconciles,
                              {published.ok() && written.ok() ? "ok" : "error"});
  Metrics::Global().Observe(metric::kReconcileSeconds, {},
                            absl::ToDoubleSeconds(absl::Now() - start));
  if (!published.ok()) return published;
  return written;
}

}  // namespace nauthera::controller
