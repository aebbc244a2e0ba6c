#!/usr/bin/env python3
"""Writes charts/nauthera/values.schema.json (kept in git; the chart test checks it is current).

The schema is strict: every object lists its keys (additionalProperties: false) except the
pass-through Kubernetes objects (resources, affinity, annotations...), whose shape the API
server checks.
Usage: gen_schema.py [--check]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "charts", "nauthera", "values.schema.json")

# https:// anywhere; http:// only on a loopback host (DESIGN: "Local-only plain HTTP"). No
# query or fragment (OpenID Connect Discovery 1.0 §3 "issuer"), no whitespace.
LOOPBACK = r"(localhost|127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}|\[::1\])"
ISSUER = (r"^(https://[^/?#\s:]+|https://\[[0-9A-Fa-f:.]+\]|http://" + LOOPBACK + r")"
          r"(:[0-9]{1,5})?(/[^?#\s]*)?$")
DURATION = r"^([0-9]{1,10}h)?([0-9]{1,10}m)?([0-9]{1,10}s)?$"
CIDR = r"^([0-9]{1,3}(\.[0-9]{1,3}){3}(/[0-9]{1,2})?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/[0-9]{1,3})?)$"
DNS_LABEL = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
DNS_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"


def obj(props, required=(), extra=False, **kw):
    out = {"type": "object", "additionalProperties": extra, "properties": props}
    if required:
        out["required"] = list(required)
    out.update(kw)
    return out


def free(desc=None):  # a Kubernetes object passed through as-is
    out = {"type": "object"}
    if desc:
        out["description"] = desc
    return out


def string_map():
    return {"type": "object", "additionalProperties": {"type": "string"}}


def s(**kw):
    return dict({"type": "string"}, **kw)


def i(minimum=None, maximum=None):
    out = {"type": "integer"}
    if minimum is not None:
        out["minimum"] = minimum
    if maximum is not None:
        out["maximum"] = maximum
    return out


BOOL = {"type": "boolean"}
PORT = i(1, 65535)


def image(default_repo):
    return obj({
        "repository": s(minLength=1, description="e.g. " + default_repo),
        "tag": s(),
        "digest": s(pattern=r"^(sha256:[0-9a-f]{64})?$"),
        "pullPolicy": s(enum=["Always", "IfNotPresent", "Never"]),
    }, required=["repository"])


def service_account():
    return obj({"create": BOOL, "name": s(), "annotations": string_map()})


def scheduling():
    return {
        "resources": free("requests/limits, as in a container spec"),
        "podAnnotations": string_map(),
        "podLabels": string_map(),
        "nodeSelector": string_map(),
        "tolerations": {"type": "array", "items": {"type": "object"}},
        "affinity": free(),
        "topologySpreadConstraints": {"type": "array", "items": {"type": "object"}},
        "priorityClassName": s(),
        "extraArgs": {"type": "array", "items": s()},
    }


controller = obj(dict({
    "image": image("nauthera/nauthera-controller"),
    "replicas": i(1, 15),
    "leaderElection": obj({"enabled": BOOL,
                           "leaseDuration": s(pattern=DURATION, minLength=2)}),
    "grpcPort": PORT,
    "httpPort": PORT,
    "metricsPort": PORT,
    "jwksMaxAge": i(0, 86400),
    "keyRotation": obj({k: s(pattern=r"^(0|([0-9]+h)?([0-9]+m)?([0-9]+s)?)$")
                        for k in ("period", "publishAhead", "retiredOverlap")}),
    # Algorithm of new signing keys (--signing-algorithm; docs/signing-keys.md).
    "signingKeys": obj({"algorithm": s(enum=["RS256", "ES256"])}),
    "service": obj({"clusterIP": s(enum=["", "None"]), "annotations": string_map()}),
    "serviceAccount": service_account(),
    "podDisruptionBudget": obj({"enabled": BOOL, "maxUnavailable": i(1)}),
}, **scheduling()))

token_server = obj(dict({
    "image": image("nauthera/nauthera-tokenserver"),
    "replicas": i(1),
    "threads": i(0, 1024),
    # SIGTERM -> /readyz 503 and Connection: close at once, still serving this long, then the
    # listener closes and requests in flight finish (docs/http-edge.md).
    "shutdownDelay": s(pattern=DURATION),
    "grpcBackupPollIntervalMs": i(0, 60000),
    "redis": obj({"url": s(pattern=r"^(rediss?://\S+)?$"), "existingSecret": s(),
                  "existingSecretKey": s(minLength=1), "timeoutMs": i(0, 60000)}),
    # --trusted-proxies: IPv4 or IPv6 CIDRs (or single addresses); the token server checks
    # them strictly at start (host bits, prefix length).
    "trustedProxies": {"type": "array", "items": s(pattern=CIDR)},
    "tls": obj({"mode": s(enum=["proxy", "secret"]), "secretName": s()}),
    "port": PORT,
    "service": obj({"type": s(enum=["ClusterIP", "NodePort", "LoadBalancer"]), "port": PORT,
                    "annotations": string_map(),
                    "sessionAffinity": s(enum=["", "ClientIP", "None"])}),
    "ingress": obj({
        "enabled": BOOL, "className": s(), "annotations": string_map(), "host": s(),
        "path": s(pattern="^/"),
        "pathType": s(enum=["Prefix", "Exact", "ImplementationSpecific"]),
        "tls": {"type": "array", "items": obj({
            "secretName": s(), "hosts": {"type": "array", "items": s(minLength=1)}})},
    }),
    "autoscaling": obj({
        "enabled": BOOL, "minReplicas": i(1), "maxReplicas": i(1),
        "targetCPUUtilizationPercentage": i(0, 1000),
        "targetMemoryUtilizationPercentage": i(0, 1000),
    }),
    "podDisruptionBudget": obj({"enabled": BOOL, "minAvailable": i(0)}),
    "serviceAccount": service_account(),
}, **scheduling()))

scope_token = s(minLength=1, maxLength=128, pattern=r"^[!#-\[\]-~]+$")
default_policy = obj({
    "enabled": BOOL,
    "name": s(pattern=r"^(" + DNS_SUBDOMAIN[1:-1] + r")?$", maxLength=253),
    "namespaceSelector": free("a label selector (matchLabels / matchExpressions)"),
    "allowedScopes": {"type": "array", "items": scope_token, "uniqueItems": True},
    "allowedGrantTypes": {"type": "array", "uniqueItems": True, "items": s(enum=[
        "authorization_code", "refresh_token", "client_credentials",
        "urn:ietf:params:oauth:grant-type:device_code"])},
    "allowedAuthMethods": {"type": "array", "uniqueItems": True, "items": s(enum=[
        "none", "client_secret_basic", "client_secret_post"])},
    "requirePKCE": BOOL,
    "accessTokenTTL": s(pattern=DURATION, minLength=2),
    "idTokenTTL": s(pattern=DURATION, minLength=2),
    "refreshTokenTTL": s(pattern=DURATION, minLength=2),
    "audiences": {"type": "array", "items": s(minLength=1, maxLength=256), "uniqueItems": True},
    "kubernetesClient": obj({
        "addToAudience": BOOL,
        "name": s(pattern=DNS_SUBDOMAIN, maxLength=253),
        "namespace": s(pattern=r"^(" + DNS_LABEL[1:-1] + r")?$", maxLength=63),
    }),
})

schema = obj({
    "issuerUrl": s(pattern=ISSUER, maxLength=2048, description=(
        "The issuer, exactly as kube-apiserver's --oidc-issuer-url: https://, or http:// on "
        "a loopback host; no query or fragment")),
    "nameOverride": s(maxLength=40),
    "fullnameOverride": s(maxLength=40),
    "clusterDomain": s(pattern=DNS_SUBDOMAIN),
    "image": obj({"registry": s(), "pullSecrets": {"type": "array", "items": obj({
        "name": s(minLength=1)}, required=["name"])}}),
    "rbac": obj({
        "scope": s(enum=["cluster", "namespace"]),
        "watchNamespace": s(pattern=r"^(" + DNS_LABEL[1:-1] + r")?$", maxLength=63),
        "ownerReferencesPermissionEnforcement": BOOL,
    }),
    "controller": controller,
    "tokenServer": token_server,
    "podSecurityContext": free(),
    "securityContext": free(),
    "mtls": obj({
        "generation": i(1),
        "validityDays": i(1, 36500),
        "extraDnsNames": {"type": "array", "items": s(minLength=1)},
        "extraIpAddresses": {"type": "array", "items": s(minLength=2)},
    }),
    "certManager": obj({
        "enabled": BOOL,
        "issuerRef": obj({"name": s(minLength=1), "kind": s(), "group": s()}),
        "duration": s(pattern=r"^([0-9]+h)?([0-9]+m)?([0-9]+s)?$"),
        "renewBefore": s(pattern=r"^([0-9]+h)?([0-9]+m)?([0-9]+s)?$"),
    }),
    "defaultPolicy": default_policy,
    # Helm sets `global` for subcharts; allow it so the chart can be a dependency.
    "global": {"type": "object"},
}, required=["issuerUrl"])
schema = dict({"$schema": "http://json-schema.org/draft-07/schema#",
               "title": "Values of the nauthera chart"}, **schema)

text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
if "--check" in sys.argv:
    with open(OUT, encoding="utf-8") as f:
        if f.read() != text:
            print("values.schema.json is out of date: run tests/chart/gen_schema.py", file=sys.stderr)
            sys.exit(1)
else:
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)
