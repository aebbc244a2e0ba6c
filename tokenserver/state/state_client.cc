#include "tokenserver/state/state_client.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto/random.h"
#include "common/metrics/metrics.h"
#include "common/util/log.h"
#include "tokenserver/state/controller_address.h"
#include "tokenserver/state/state_channel.h"

namespace nauthera {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<StateClient>> StateClient::Create(
    const StateClientOptions& options, StateHolder* holder) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  int set = !options.tls_ca_file.empty() + !options.tls_cert_file.empty() +
            !options.tls_key_file.empty();
  absl::StatusOr<ControllerAddress> address =
      ParseControllerAddress(options.controller_address, set == 3);
  if (!address.ok()) return address.status();
  if (set == 3) {
    grpc::SslCredentialsOptions ssl;
    auto ca = ReadFile(options.tls_ca_file);
    auto cert = ReadFile(options.tls_cert_file);
    auto key = ReadFile(options.tls_key_file);
    for (const auto* file : {&ca, &cert, &key}) {
      if (!file->ok()) return file->status();
    }
    ssl.pem_root_certs = *ca;
    ssl.pem_cert_chain = *cert;
    ssl.pem_private_key = *key;
    credentials = grpc::SslCredentials(ssl);
  } else if (set == 0) {
    // Only for a Unix socket (ParseControllerAddress refuses plaintext TCP): the kernel
    // vouches for both ends (the controller checks our uid, we check the socket's owner).
    credentials = grpc::InsecureChannelCredentials();
  } else {
    return absl::InvalidArgumentError(
        "--grpc-tls-ca, --grpc-tls-cert and --grpc-tls-key must be given together");
  }
  grpc::ChannelArguments args = StateChannelArguments();
  std::string target = address->target;
  auto make_channel = [target, credentials, args]() {
    return grpc::CreateCustomChannel(target, credentials, args);
  };
  auto channel = make_channel();
  std::unique_ptr<StateClient> client(
      new StateClient(std::move(channel), address->socket_path, options.node_id, holder));
  client->make_channel_ = std::move(make_channel);
  return client;
}

StateClient::StateClient(std::shared_ptr<grpc::Channel> channel, std::string socket_path,
                         std::string node_id, StateHolder* holder)
    : channel_(channel),
      stub_(v1::StateService::NewStub(channel)),
      socket_path_(std::move(socket_path)),
      node_id_(std::move(node_id)), holder_(holder) {
  Metrics& m = Metrics::Global();
  m.DefineGauge("nauthera_tokenserver_controller_connected",
                "1 while the state stream to the controller is up");
  m.DefineCounter("nauthera_tokenserver_states_applied_total", "States checked and applied");
  m.DefineCounter("nauthera_tokenserver_states_rejected_total",
                  "States that failed the consistency check (NACKed)");
  m.DefineGauge("nauthera_tokenserver_state_generated_timestamp_seconds",
                "When the controller built the state being served");
}

StateClient::~StateClient() { Stop(); }

void StateClient::Start() { thread_ = std::thread([this] { Run(); }); }

void StateClient::Stop() {
  stopping_ = true;
  {
    MutexLock lock(&context_mu_);
    if (context_ != nullptr) context_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void StateClient::Run() {
  auto backoff = std::chrono::milliseconds(100);
  const auto max_backoff = std::chrono::milliseconds(1000);
  while (!stopping_) {
    if (RunStream()) backoff = std::chrono::milliseconds(100);
    if (stopping_) break;
    // Jitter spreads the reconnects of many replicas after a controller restart.
    auto jitter = std::chrono::milliseconds(static_cast<unsigned char>(RandomBytes(1)[0]) % 100);
    auto until = std::chrono::steady_clock::now() + backoff + jitter;
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    backoff = std::min(backoff * 2, max_backoff);
  }
}

void StateClient::RebuildChannelIfStuck() {
  auto now = std::chrono::steady_clock::now();
  grpc_connectivity_state state = channel_->GetState(false);
  if (!make_channel_ || !ShouldRebuildStateChannel(state, now - channel_created_)) return;
  // A new channel has a new resolver, which resolves at once instead of after gRPC's
  // resolver backoff (state_channel.h).
  channel_ = make_channel_();
  stub_ = v1::StateService::NewStub(channel_);
  channel_created_ = now;
}

bool StateClient::ShouldLogDialFailure() {
  // While the controller stays away, say so every 30 s rather than at every retry.
  auto now = std::chrono::steady_clock::now();
  if (now - last_dial_warning_ < std::chrono::seconds(30)) return false;
  last_dial_warning_ = now;
  return true;
}

bool StateClient::SocketTrusted() {
  if (socket_path_.empty()) return true;  // TCP: mutual TLS authenticates the controller
  absl::Status trusted = CheckControllerSocket(socket_path_);
  if (trusted.ok()) return true;
  if (!stopping_ && ShouldLogDialFailure()) {
    bool absent = absl::IsNotFound(trusted);
    LogWarning(absent ? "cannot reach the controller: its socket is not there (yet)"
                      : "refusing the controller socket: it may not be the controller's",
               {{"error", std::string(trusted.message())},
                {"serving", holder_->Get() ? "the last good state" : "nothing (not ready)"}});
  }
  return false;
}

bool StateClient::RunStream() {
  // 0. A Unix socket is dialled only while it is the controller's (owner and folder checked).
  if (!SocketTrusted()) return false;
  // Drive the connection ourselves: with no call in flight only gRPC's backup poller (every
  // 5 s) would move a TCP + TLS handshake forward. WaitForConnected polls the channel.
  if (!channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(2))) {
    if (!stopping_ && ShouldLogDialFailure()) {
      LogWarning(holder_->Get() ? "cannot reach the controller; serving the last good state"
                                : "cannot reach the controller; not ready until it answers",
                 {{"state", std::to_string(static_cast<int>(channel_->GetState(false)))}});
    }
    RebuildChannelIfStuck();
    return false;
  }
  grpc::ClientContext context;
  {
    MutexLock lock(&context_mu_);
    if (stopping_) return false;
    context_ = &context;
  }
  auto stream = stub_->Subscribe(&context);
  v1::SubscribeRequest hello;
  hello.set_node_id(node_id_);
  if (auto current = holder_->Get()) hello.set_serving_version(current->version());
  bool received = false;
  if (stream->Write(hello)) {
    v1::State state;
    while (stream->Read(&state)) {
      if (!received) {
        LogInfo("connected to controller", {{"node_id", node_id_}});
        connected_ = true;
        Metrics::Global().Set("nauthera_tokenserver_controller_connected", {}, 1);
      }
      received = true;
      Apply(std::move(state), stream.get());
      state = v1::State();
    }
  }
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  {
    MutexLock lock(&context_mu_);
    context_ = nullptr;
  }
  bool was_connected = connected_.exchange(false);
  if (was_connected) Metrics::Global().Set("nauthera_tokenserver_controller_connected", {}, 0);
  if (!stopping_ && (was_connected || ShouldLogDialFailure())) {
    auto current = holder_->Get();
    LogWarning(current ? "no state stream to the controller; serving the last good state"
                       : "no state stream to the controller; not ready until it answers",
               {{"controller_error", status.error_message()},
                {"serving_version", current ? current->version() : "none"}});
  }
  return received;
}

void StateClient::Apply(v1::State state,
                        grpc::ClientReaderWriter<v1::SubscribeRequest, v1::State>* stream) {
  std::string version = state.version();
  v1::SubscribeRequest reply;
  reply.set_node_id(node_id_);
  reply.set_version(version);
  auto snapshot = Snapshot::Create(std::move(state));
  if (snapshot.ok()) {
    holder_->Set(*snapshot);
    Metrics::Global().Increment("nauthera_tokenserver_states_applied_total");
    Metrics::Global().Set("nauthera_tokenserver_state_generated_timestamp_seconds", {},
                          static_cast<double>((*snapshot)->generated_at()));
    LogInfo("state applied", {{"version", version},
                              {"clients", std::to_string((*snapshot)->client_count())},
                              {"users", std::to_string((*snapshot)->user_count())},
                              {"signing_kid", (*snapshot)->active_kid()}});
  } else {
    reply.set_error_detail(std::string(snapshot.status().message()));
    Metrics::Global().Increment("nauthera_tokenserver_states_rejected_total");
    LogError("state refused; keeping the last good state",
             {{"version", version}, {"error", std::string(snapshot.status().message())}});
  }
  if (auto current = holder_->Get()) reply.set_serving_version(current->version());
  stream->Write(reply);
}

}  // namespace nauthera
