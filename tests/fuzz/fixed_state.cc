#include "tests/fuzz/fixed_state.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/crypto/hashing.h"
#include "common/crypto/rsa_key.h"

namespace nauthera::fuzz {

const char* FixedKeyPem() {
  return R"pem(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCVqZVPVaN8mAfg
MPletGyF20GOweYb9CB0yRok49AvDBKWFmqoQr3nqJnkM8lf5VNbZRdbrFFGJXJX
HJzS05Tl9XuQVoVD+E/uFAiOjfLpAcR1p+TdvO0JIYZXq2NJX1J5MrfGJJg5KQG6
YZOCI6FuaBddpzAM+3jqdZWHtSjvgnWHmzMLt2Pgv/pobD06Lz7m6jNaVfZorKQP
tW2AmWIe0qm7ClCvU8dvwGQsDhsFeqQLerkkkNT6Vi9iwCTY7erg1j7s3BTybzeA
yQInsyuv06p83RN6Bj9vjrRfcG6HTGmdDpl51wgMrGO1keEYPA9S+i+ccNkErLZI
SRiIYi8XAgMBAAECgf8VC8PzZBeZbcetvzVSHA0mxa5yZNH3HF10DtOeXGrqMshq
Urys7LXH3e3GKYIn+he+wniGa7UCKEHr/hoPi7FkpSC7K2+SH1keIbMSWOPP4G/A
G9wTUn4CyrQZoABWURFH+dneA0dkwl971jzoEBqja//dK6WWLcbTMbXVX6RiCb9j
pqV241s2ItDQ/61Jr4vyIX5nC9XMXPgCUlTuh6QHGP/hnX+UXZPM2VIaht14DPZ2
Votl9hcfMal7rvIliX3EnBEEbbNfHI6FUoZvMbY+tAf/rcgFFq50stsfMExxp11e
hsejsV+KP2nVoBdJlhI2fgakZgFDFjWgrjyoO0ECgYEAzCgDUqUpLsTRJvxAxcly
1lkKhqEaLqlfO61eOqr9GDc3b3u5e28YWoj5jbun0aSFlVH8DjSp3mV1LlIXd2++
QGH3A7SkfSLHkQkDFgQMIiKIYPrRb40tEZgOgXEcg97/ghMNQS4W+l9JL/WqXno5
Nq8oSS8zo9uWY63DSMvVQhkCgYEAu6r7Lc1r7Uo1vm19SrxhJBAqxWAPbGiPEGdi
/0FC4mJbCJ5/6TL6T0dNFsbRLPbjw/dbEF4VRDZppuqloGXAdoxgaIoH0h82Yfii
ClBQqfweqBJUULv+27923t/J0NNOQ9Hj1x242j5OMypLmJIVoS4JFz+N8HaoTYX4
jVWqAK8CgYEAseSD0LXdxsT1QrU3c6DvkdsQkvM6L0KimwucOh7YXwtuIJR8sRPC
8tC8M0Y7Gy/yvoQrz+0Pv5xEmVIq5IXYD53NccssMWXm43go2jw4nl3c3DRx3nPz
u4r1yNDY+geMOLmFKTCSESSKT2IPTDfQNtg1kF+y7arfxoeYzIvgjbECgYEAnZ4u
Vjq40dRJLUYCPDnZkJNviNR0P8XVmp5qvB4Q0dhvwt50aeUh7GHjMiUL3CsEAzwG
JMoQLHlS5RkgwIWVTzv5YPPFO8pxP3m2htkL1qjlCp5SaHhsxh2Z9fiZJSXEDxwC
s1LIRaycu0ZjtaHEPtpOUlNToEnYczv5FKOFJAsCgYEAucdhYH+ugrnyBcYG+vwu
+ENcSDOBLEd3cRkPNEPoiH3WfHvd6r0Fp63ORdcpfL5rfk3SdoNCfFSwcRf2Fdw/
bgV1tWn2AumXyUFuXUy79iU9GsPdigKTTJ/S0TWuLa2B9AlxxbQZXU6YTHemmo+1
UY1H7OYPV+qbbqnkMHlnyQU=
-----END PRIVATE KEY-----
)pem";
}

const Snapshot& FixedSnapshot() {
  static const std::shared_ptr<const Snapshot> snapshot = [] {
    v1::State state;
    state.set_version("fuzz");
    state.mutable_issuer()->set_issuer_url(kIssuer);
    state.set_session_key(kSessionKey);
    auto key = RsaKey::FromPrivatePem(FixedKeyPem());
    if (!key.ok()) {
      std::fprintf(stderr, "fixed key: %s\n", std::string(key.status().message()).c_str());
      std::abort();
    }
    v1::SigningKey* signing = state.add_signing_keys();
    signing->set_kid((*key)->Thumbprint());
    signing->set_algorithm("RS256");
    signing->set_private_key_pem(FixedKeyPem());
    signing->set_phase(v1::SigningKey::ACTIVE);

    v1::Client* confidential = state.add_clients();
    confidential->set_client_id(kConfidentialId);
    confidential->set_kind(v1::Client::SERVICE_ACCOUNT);
    confidential->mutable_secret_hash()->set_salt("fuzz-salt");
    confidential->mutable_secret_hash()->set_digest(HmacSha256("fuzz-salt", kConfidentialSecret));
    confidential->add_auth_methods("client_secret_basic");
    confidential->add_auth_methods("client_secret_post");
    confidential->mutable_policy()->add_allowed_auth_methods("client_secret_basic");
    confidential->mutable_policy()->add_allowed_auth_methods("client_secret_post");
    confidential->mutable_policy()->set_access_token_ttl_seconds(600);

    v1::Client* pub = state.add_clients();
    pub->set_client_id(kPublicId);
    pub->set_kind(v1::Client::OIDC_CLIENT);
    pub->add_auth_methods("none");
    pub->mutable_policy()->add_allowed_auth_methods("none");
    pub->mutable_policy()->set_access_token_ttl_seconds(600);

    auto created = Snapshot::Create(std::move(state));
    if (!created.ok()) {
      std::fprintf(stderr, "fixed state: %s\n", std::string(created.status().message()).c_str());
      std::abort();
    }
    return *created;
  }();
  return *snapshot;
}

}  // namespace nauthera::fuzz
