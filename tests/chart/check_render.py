#!/usr/bin/env python3
"""Assertions on `helm template` output of charts/nauthera (called by chart_test.sh).

Usage: check_render.py CASE RENDERED.yaml [key=value ...]
CASE is one of: cluster, namespace, ingress-hpa, https, cert-manager, redis.
Prints one line per group of checks; exits 1 with every failed assertion listed.
"""
import base64
import os
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
    return cond


def load(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def by_kind(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def one(docs, kind, name_suffix=""):
    found = [d for d in by_kind(docs, kind) if d["metadata"]["name"].endswith(name_suffix)]
    check(len(found) == 1, f"exactly one {kind} named *{name_suffix}, found {len(found)}")
    return found[0] if found else {}


def perms(rules):
    """The set of (apiGroup, resource, verb, resourceName or '*') a rule list grants."""
    out = set()
    for rule in rules:
        for group in rule.get("apiGroups", []):
            for resource in rule.get("resources", []):
                for verb in rule.get("verbs", []):
                    for name in rule.get("resourceNames") or ["*"]:  # [] means every name
                        out.add((group, resource, verb, name))
    return out


def no_wildcards(docs):
    for kind in ("ClusterRole", "Role"):
        for role in by_kind(docs, kind):
            for rule in role.get("rules", []):
                for field in ("apiGroups", "resources", "verbs"):
                    check("*" not in rule.get(field, []),
                          f"{kind} {role['metadata']['name']}: wildcard in {field}")


def container(deploy):
    return deploy["spec"]["template"]["spec"]["containers"][0]


def args_of(deploy):
    return container(deploy)["args"]


def common_pod_checks(deploy, what):
    spec = deploy["spec"]["template"]["spec"]
    c = container(deploy)
    sc = c.get("securityContext", {})
    psc = spec.get("securityContext", {})
    check(psc.get("runAsNonRoot") is True, f"{what}: pod runAsNonRoot")
    check(sc.get("readOnlyRootFilesystem") is True, f"{what}: readOnlyRootFilesystem")
    check(sc.get("allowPrivilegeEscalation") is False, f"{what}: allowPrivilegeEscalation false")
    check(sc.get("capabilities", {}).get("drop") == ["ALL"], f"{what}: capabilities drop ALL")
    check("resources" in c and c["resources"].get("requests"), f"{what}: resource requests")
    for probe in ("livenessProbe", "readinessProbe"):
        check(probe in c, f"{what}: {probe}")
    labels = deploy["spec"]["template"]["metadata"]["labels"]
    selector = deploy["spec"]["selector"]["matchLabels"]
    check(all(labels.get(k) == v for k, v in selector.items()),
          f"{what}: pod labels match the selector")


def probe_paths(c):
    paths = {}
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        p = c.get(probe, {})
        if "httpGet" in p:
            paths[probe] = p["httpGet"]["path"]
        elif "exec" in p:
            paths[probe] = p["exec"]["command"][-1]
    return paths


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, text=True)


def check_mtls(docs, ns, fullname, extra_ip=None):
    secrets = {d["metadata"]["name"]: d for d in by_kind(docs, "Secret")}
    names = [f"{fullname}-mtls-ca", f"{fullname}-controller-tls", f"{fullname}-tokenserver-tls"]
    if not all(check(n in secrets, f"mTLS Secret {n}") for n in names):
        return
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, secret, key):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(base64.b64decode(secrets[secret]["data"][key]))
            return path
        ca = write("ca.crt", names[0], "tls.crt")
        ctl = write("controller.crt", names[1], "tls.crt")
        ts = write("ts.crt", names[2], "tls.crt")
        for n in names[1:]:
            check(secrets[n]["data"]["ca.crt"] == secrets[names[0]]["data"]["tls.crt"],
                  f"{n}: ca.crt is the chart's CA")
        check(openssl("verify", "-CAfile", ca, "-purpose", "sslserver", ctl).returncode == 0,
              "controller certificate verifies as a TLS server against the CA")
        check(openssl("verify", "-CAfile", ca, "-purpose", "sslclient", ts).returncode == 0,
              "token-server certificate verifies as a TLS client against the CA")
        text = openssl("x509", "-in", ctl, "-noout", "-ext", "subjectAltName").stdout
        for dns in (f"{fullname}-controller.{ns}.svc",
                    f"{fullname}-controller.{ns}.svc.cluster.local"):
            check(f"DNS:{dns}" in text, f"controller certificate names {dns}: {text.strip()}")
        if extra_ip:
            check(f"IP Address:{extra_ip}" in text, f"controller certificate has IP {extra_ip}")
        # Keys match their certificates.
        for n, crt in ((names[1], ctl), (names[2], ts)):
            key = write(n + ".key", n, "tls.key")
            pub_crt = openssl("x509", "-in", crt, "-noout", "-pubkey").stdout
            pub_key = openssl("pkey", "-in", key, "-pubout").stdout
            check(pub_crt and pub_crt == pub_key, f"{n}: tls.key matches tls.crt")


def expected_controller_needs():
    """tests/controller_k8s/rbac.yaml: the rules the controller's real-cluster test runs under."""
    docs = load(os.path.join(ROOT, "tests", "controller_k8s", "rbac.yaml"))
    cluster = set()
    lease = set()
    for d in docs:
        if d["kind"] == "ClusterRole":
            cluster |= perms(d["rules"])
        elif d["kind"] == "Role":
            lease |= perms(d["rules"])
    return cluster, lease


def case_cluster(docs, opts):
    ns, fullname, issuer = opts["ns"], opts["fullname"], opts["issuer"]
    no_wildcards(docs)
    cr = one(docs, "ClusterRole", "-controller")
    granted = perms(cr.get("rules", []))
    tested, tested_lease = expected_controller_needs()
    # Never broader than what the controller's real-cluster test proved sufficient ...
    extra = granted - tested
    check(not extra, f"ClusterRole grants more than tests/controller_k8s/rbac.yaml: {sorted(extra)}")
    # ... and nothing the code calls is missing (patch on secrets: the code never patches).
    missing = {p for p in tested - granted if not (p[1] == "secrets" and p[2] == "patch")}
    check(not missing, f"ClusterRole lacks {sorted(missing)}")
    print(f"  cluster RBAC: {len(granted)} permissions, the test's rbac.yaml minus "
          f"{sorted({p[2] for p in tested - granted})} on secrets (never called)")
    crb = one(docs, "ClusterRoleBinding", "-controller")
    check(crb.get("roleRef", {}).get("name") == cr["metadata"]["name"], "ClusterRoleBinding -> ClusterRole")
    check(crb.get("subjects") == [{"kind": "ServiceAccount", "name": f"{fullname}-controller",
                                   "namespace": ns}], "ClusterRoleBinding subject is the controller SA")
    own = one(docs, "Role", "-own-namespace")
    check(own["metadata"].get("namespace") == ns, "own-namespace Role is in the release namespace")
    lease = {p for p in perms(own.get("rules", [])) if p[1] == "leases"}
    check({(g, r, v) for g, r, v, _ in lease} == {(g, r, v) for g, r, v, _ in tested_lease},
          f"Lease verbs {sorted(lease)} equal the test's {sorted(tested_lease)}")
    check(not by_kind(docs, "RoleBinding") or all(
        rb["metadata"]["namespace"] == ns for rb in by_kind(docs, "RoleBinding")),
        "cluster scope: RoleBindings only in the release namespace")

    ctl = one(docs, "Deployment", "-controller")
    a = args_of(ctl)
    for want in ("--in-cluster", "--leader-elect", f"--namespace={ns}", f"--issuer-url={issuer}",
                 "--grpc-tls-cert=/etc/nauthera/grpc/tls.crt",
                 "--grpc-tls-key=/etc/nauthera/grpc/tls.key",
                 "--grpc-client-ca=/etc/nauthera/grpc/ca.crt"):
        check(want in a, f"controller args include {want}: {a}")
    check(not any(x.startswith("--watch-namespace") for x in a), "cluster scope: no --watch-namespace")
    check(any(x.startswith("--grpc-listen=0.0.0.0:") for x in a), "controller listens on all addresses")
    check(any(x.startswith("--http-listen=http://127.0.0.1:") for x in a), "controller http on loopback")
    check(ctl["spec"]["replicas"] == 2, "controller replicas 2")
    check(ctl["spec"]["template"]["spec"]["serviceAccountName"] == f"{fullname}-controller",
          "controller runs as its ServiceAccount")
    paths = probe_paths(container(ctl))
    check(paths.get("livenessProbe") == "/healthz" and paths.get("readinessProbe") == "/readyz",
          f"controller probes /healthz and /readyz: {paths}")
    # The images have no shell: every probe is an httpGet on the metrics listener.
    c = container(ctl)
    check(all("httpGet" in c[p] and c[p]["httpGet"]["port"] == "metrics"
              for p in ("startupProbe", "livenessProbe", "readinessProbe")),
          "controller probes are httpGet on the metrics port (no exec: no shell in the image)")
    check("--metrics-listen=http://0.0.0.0:9090" in a, f"controller --metrics-listen on the pod address: {a}")
    common_pod_checks(ctl, "controller")

    ts = one(docs, "Deployment", "-tokenserver")
    a = args_of(ts)
    check(f"--controller={fullname}-controller.{ns}.svc:7070" in a, f"token server dials the Service: {a}")
    for want in ("--grpc-tls-ca=/etc/nauthera/grpc/ca.crt", "--grpc-tls-cert=/etc/nauthera/grpc/tls.crt",
                 "--grpc-tls-key=/etc/nauthera/grpc/tls.key", "--plain-http-behind-tls-proxy",
                 "--listen=http://0.0.0.0:8080"):
        check(want in a, f"token server args include {want}")
    check(ts["spec"]["replicas"] >= 2, "token server replicas >= 2")
    env = {e["name"]: e.get("value") for e in container(ts).get("env", [])}
    check(env.get("GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS") == opts.get("backup_poll"),
          f"token server GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS: {env}")
    check(ts["spec"]["template"]["spec"].get("automountServiceAccountToken") is False,
          "token server mounts no API token")
    paths = probe_paths(container(ts))
    check(paths == {"startupProbe": "/healthz", "livenessProbe": "/healthz", "readinessProbe": "/readyz"},
          f"token server probes: {paths}")
    common_pod_checks(ts, "token server")
    sums = {d["spec"]["template"]["metadata"]["annotations"].get("checksum/mtls") for d in (ctl, ts)}
    check(len(sums) == 1 and None not in sums, "both Deployments carry the same mTLS checksum")

    svc = {d["metadata"]["name"]: d for d in by_kind(docs, "Service")}
    g = svc.get(f"{fullname}-controller", {})
    check(g.get("spec", {}).get("ports", [{}])[0].get("port") == 7070, "controller Service on 7070")
    check(g.get("spec", {}).get("selector") == ctl["spec"]["selector"]["matchLabels"],
          "controller Service selects the controller pods (every replica)")
    t = svc.get(f"{fullname}-tokenserver", {})
    check(t.get("spec", {}).get("selector") == ts["spec"]["selector"]["matchLabels"],
          "token-server Service selects the token servers")
    check(t.get("spec", {}).get("sessionAffinity") == "ClientIP",
          "without Redis the token-server Service keeps a client on one replica (ClientIP)")
    check(not any(x.startswith("--redis-url") for x in a), "no --redis-url by default")
    check(not any(x.startswith("--trusted-proxies") for x in a), "no --trusted-proxies by default")
    ctl_args = args_of(ctl)
    check("--signing-algorithm=RS256" in ctl_args,
          f"new signing keys are RS256 by default (controller.signingKeys.algorithm): {ctl_args}")
    pdbs = {d["metadata"]["name"]: d for d in by_kind(docs, "PodDisruptionBudget")}
    check(pdbs.get(f"{fullname}-tokenserver", {}).get("spec", {}).get("minAvailable") == 1,
          "token-server PDB minAvailable 1")
    check(f"{fullname}-controller" in pdbs, "controller PDB")
    check(not by_kind(docs, "Ingress") and not by_kind(docs, "HorizontalPodAutoscaler"),
          "no Ingress / HPA by default")

    pol = one(docs, "ClusterAuthPolicy", "-default")
    spec = pol.get("spec", {})
    check(set(spec.get("allowedScopes", [])) >= {"openid", "profile", "email", "groups"},
          "default policy allows the guide's scopes (incl. groups)")
    check(set(spec.get("allowedGrantTypes", [])) ==
          {"authorization_code", "refresh_token", "client_credentials"}, "default policy grant types")
    check(set(spec.get("allowedAuthMethods", [])) ==
          {"none", "client_secret_basic", "client_secret_post"}, "default policy auth methods")
    check(spec.get("audienceClients") == [{"name": "kubectl", "namespace": ns}],
          f"default policy audienceClients kubectl/{ns}: {spec.get('audienceClients')}")
    check_mtls(docs, ns, fullname, opts.get("extra_ip"))


def case_namespace(docs, opts):
    ns, fullname, watch = opts["ns"], opts["fullname"], opts["watch"]
    no_wildcards(docs)
    crs = by_kind(docs, "ClusterRole")
    check(len(crs) == 1, f"namespace scope: one ClusterRole (the cluster-scoped kinds), found {len(crs)}")
    granted = perms(crs[0]["rules"]) if crs else set()
    allowed_cluster = {("auth.nauthera.io", r, v, "*") for r in ("clusterauthpolicies", "nautherausers")
                       for v in ("list", "watch")} | \
                      {("", "namespaces", v, watch) for v in ("list", "watch")}
    check(granted == allowed_cluster, f"namespace scope ClusterRole is exactly {sorted(allowed_cluster)}; got {sorted(granted)}")
    check(not any(p[1] == "secrets" for p in granted), "namespace scope: no Secrets cluster-wide")
    # The same as the rules the controller's single-namespace resilience test runs under.
    tested_path = os.path.join(ROOT, "tests", "controller_k8s", "rbac-namespaced.yaml")
    if os.path.exists(tested_path):
        tested_docs = load(tested_path)
        t_cluster = {(g, r, v, watch if n == "team-a" else n) for d in tested_docs
                     if d["kind"] == "ClusterRole" for g, r, v, n in perms(d["rules"])}
        t_role = {p for d in tested_docs if d["kind"] == "Role" for p in perms(d["rules"])}
        check(granted == t_cluster, f"ClusterRole equals rbac-namespaced.yaml's: {sorted(granted ^ t_cluster)}")
        chart_role = set()
        for d in by_kind(docs, "Role"):
            chart_role |= perms(d["rules"])
        broader = {p for p in chart_role
                   if p not in t_role and (p[0], p[1], p[2], "*") not in t_role}
        check(not broader, f"Roles grant more than rbac-namespaced.yaml's Role: {sorted(broader)}")
    roles = {(d["metadata"]["namespace"], d["metadata"]["name"]): d for d in by_kind(docs, "Role")}
    main = roles.get((watch, f"{fullname}-controller"))
    if check(main is not None, f"Role {fullname}-controller in {watch}"):
        p = perms(main["rules"])
        for r in ("oidcclients", "nautheraserviceaccounts", "authpolicies"):
            check(("auth.nauthera.io", r, "watch", "*") in p, f"Role watches {r}")
            check(("auth.nauthera.io", r + "/status", "update", "*") in p, f"Role updates {r}/status")
        check({v for g, r, v, _ in p if r == "secrets"} ==
              {"get", "list", "watch", "create", "update", "delete"}, "Role: credentials Secrets verbs")
        check(("events.k8s.io", "events", "create", "*") in p, "Role: Events create")
    own = roles.get((ns, f"{fullname}-controller-own-namespace"))
    if check(own is not None, "own-namespace Role"):
        p = perms(own["rules"])
        check(("", "secrets", "get", "nauthera-signing-keys") in p and ("", "secrets", "create", "*") in p,
              "own-namespace Role: the signing-key Secret")
        check(("", "secrets", "delete", "*") not in p, "own-namespace Role: no Secret delete")
    for rb in by_kind(docs, "RoleBinding"):
        check(rb["subjects"][0]["name"] == f"{fullname}-controller", "RoleBinding subject")
    a = args_of(one(docs, "Deployment", "-controller"))
    check(f"--watch-namespace={watch}" in a, f"--watch-namespace={watch} in {a}")
    pol = one(docs, "ClusterAuthPolicy", "-default")
    check(pol.get("spec", {}).get("audienceClients") == [{"name": "kubectl", "namespace": watch}],
          f"namespace scope: the policy names the kubectl client in {watch} (the only one served)")
    print(f"  namespace RBAC: ClusterRole {len(granted)} permissions (cluster-scoped kinds, namespace {watch} by name)")


def case_ingress_hpa(docs, opts):
    ing = one(docs, "Ingress")
    rule = ing.get("spec", {}).get("rules", [{}])[0]
    check(rule.get("host") == opts["host"], f"Ingress host {rule.get('host')} == issuer host {opts['host']}")
    check(rule["http"]["paths"][0]["backend"]["service"]["name"].endswith("-tokenserver"),
          "Ingress backend is the token-server Service")
    hpa = one(docs, "HorizontalPodAutoscaler")
    check(hpa.get("apiVersion") == "autoscaling/v2", "HPA is autoscaling/v2")
    ts_args = args_of(one(docs, "Deployment", "-tokenserver"))
    check("--trusted-proxies=10.0.0.0/8,fd00::/8" in ts_args,
          f"behind the Ingress: --trusted-proxies from tokenServer.trustedProxies: {ts_args}")
    ctl_args = args_of(one(docs, "Deployment", "-controller"))
    check("--signing-algorithm=ES256" in ctl_args and "--signing-algorithm=RS256" not in ctl_args,
          f"controller.signingKeys.algorithm=ES256 -> --signing-algorithm=ES256: {ctl_args}")
    check(hpa.get("spec", {}).get("minReplicas") == 2, "HPA minReplicas 2")
    ts = one(docs, "Deployment", "-tokenserver")
    check("replicas" not in ts.get("spec", {}), "with an HPA the Deployment leaves replicas to it")


def case_https(docs, opts):
    ts = one(docs, "Deployment", "-tokenserver")
    a = args_of(ts)
    check("--listen=https://0.0.0.0:8443" in a and "--tls-cert-file=/etc/nauthera/https/tls.crt" in a,
          f"https listen with the Secret's certificate: {a}")
    check("--plain-http-behind-tls-proxy" not in a, "no plain http in secret mode")
    vols = {v["name"]: v for v in ts["spec"]["template"]["spec"]["volumes"]}
    check(vols.get("https-tls", {}).get("secret", {}).get("secretName") == opts["secret"],
          "the serving Secret is mounted")
    check(container(ts)["readinessProbe"]["httpGet"]["scheme"] == "HTTPS", "probes over HTTPS")


def case_cert_manager(docs, opts):
    certs = by_kind(docs, "Certificate")
    check(len(certs) == 3, f"three cert-manager Certificates (CA, controller, token server), found {len(certs)}")
    check(not by_kind(docs, "Secret"), "no chart-generated Secrets with cert-manager")
    ctl = [c for c in certs if c["metadata"]["name"].endswith("-controller-tls")]
    if check(len(ctl) == 1, "controller Certificate"):
        check(any(n.endswith(".svc") for n in ctl[0]["spec"]["dnsNames"]), "controller Certificate names the Service")
        check("server auth" in ctl[0]["spec"]["usages"], "controller Certificate: server auth")
    ts = [c for c in certs if c["metadata"]["name"].endswith("-tokenserver-tls")]
    if check(len(ts) == 1, "token-server Certificate"):
        check("client auth" in ts[0]["spec"]["usages"], "token-server Certificate: client auth")


def case_redis(docs, opts):
    ts = one(docs, "Deployment", "-tokenserver")
    c = container(ts)
    check(not any(x.startswith("--redis-url") for x in c["args"]),
          f"the Redis URL (maybe with a password) stays out of the args: {c['args']}")
    env = {e["name"]: e for e in c.get("env", [])}
    ref = env.get("NAUTHERA_REDIS_URL", {}).get("valueFrom", {}).get("secretKeyRef", {})
    check(ref == {"name": opts["secret"], "key": "redis-url"}, f"Redis URL from Secret {opts['secret']}: {ref}")
    svc = [d for d in by_kind(docs, "Service") if d["metadata"]["name"].endswith("-tokenserver")]
    check(svc and svc[0]["spec"].get("sessionAffinity") == "None", "with Redis no session affinity")


def main():
    case, path = sys.argv[1], sys.argv[2]
    opts = dict(kv.split("=", 1) for kv in sys.argv[3:])
    docs = load(path)
    {"cluster": case_cluster, "namespace": case_namespace, "ingress-hpa": case_ingress_hpa,
     "https": case_https, "cert-manager": case_cert_manager, "redis": case_redis}[case](docs, opts)
    if FAILURES:
        for f in FAILURES:
            print(f"  assertion failed: {f}")
        sys.exit(1)


if __name__ == "__main__":
    main()
