{{/* Names, labels, images and the mutual-TLS material shared by the templates. */}}

{{- define "nauthera.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-wide prefix of every object name (at most 40 characters, so suffixes fit 63). */}}
{{- define "nauthera.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "nauthera.controller.fullname" -}}{{ include "nauthera.fullname" . }}-controller{{- end -}}
{{- define "nauthera.tokenserver.fullname" -}}{{ include "nauthera.fullname" . }}-tokenserver{{- end -}}

{{- define "nauthera.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "nauthera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: nauthera
{{- end -}}

{{- define "nauthera.controller.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nauthera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "nauthera.tokenserver.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nauthera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: tokenserver
{{- end -}}

{{- define "nauthera.controller.serviceAccountName" -}}
{{- if .Values.controller.serviceAccount.create -}}
{{- default (include "nauthera.controller.fullname" .) .Values.controller.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.controller.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "nauthera.tokenserver.serviceAccountName" -}}
{{- if .Values.tokenServer.serviceAccount.create -}}
{{- default (include "nauthera.tokenserver.fullname" .) .Values.tokenServer.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.tokenServer.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The issuer URL, required (the schema also requires it; this message is for --skip-schema-validation). */}}
{{- define "nauthera.issuerUrl" -}}
{{- required "issuerUrl is required: the issuer exactly as kube-apiserver's --oidc-issuer-url, e.g. --set issuerUrl=https://auth.example.com" .Values.issuerUrl -}}
{{- end -}}

{{/* The namespace the controller watches in namespace scope. */}}
{{- define "nauthera.watchNamespace" -}}
{{- default .Release.Namespace .Values.rbac.watchNamespace -}}
{{- end -}}

{{/* image reference: include "nauthera.image" (list $ .Values.controller.image) */}}
{{- define "nauthera.image" -}}
{{- $root := index . 0 -}}
{{- $image := index . 1 -}}
{{- $prefix := ternary "" (printf "%s/" $root.Values.image.registry) (empty $root.Values.image.registry) -}}
{{- if $image.digest -}}
{{- printf "%s%s@%s" $prefix $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s%s:%s" $prefix $image.repository (default $root.Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The controller's gRPC Service and the names its certificate must carry. */}}
{{- define "nauthera.controller.grpcHost" -}}
{{- printf "%s.%s.svc" (include "nauthera.controller.fullname" .) .Release.Namespace -}}
{{- end -}}

{{- define "nauthera.controller.dnsNames" -}}
{{- $svc := include "nauthera.controller.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- $names := list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) -}}
{{- concat $names .Values.mtls.extraDnsNames | toJson -}}
{{- end -}}

{{- define "nauthera.mtls.caSecret" -}}{{ include "nauthera.fullname" . }}-mtls-ca{{- end -}}
{{- define "nauthera.mtls.controllerSecret" -}}{{ include "nauthera.fullname" . }}-controller-tls{{- end -}}
{{- define "nauthera.mtls.tokenserverSecret" -}}{{ include "nauthera.fullname" . }}-tokenserver-tls{{- end -}}

{{/*
The chart-generated mutual-TLS material, as a dict of Secret data (base64 values):
  {ca: {tls.crt, tls.key}, controller: {tls.crt, tls.key, ca.crt}, tokenserver: {...}}
Made once per render (cached in .Values so every template sees the same certificates) and
taken from the Secrets already in the cluster when they are there and were made for the same
mtls.generation: an upgrade never changes them unless asked. A new controller certificate is
signed by the existing CA when only its names changed.
*/}}
{{- define "nauthera.mtls.data" -}}
{{- if not (hasKey .Values "__nautheraMtls") -}}
{{- $generation := toString .Values.mtls.generation -}}
{{- $days := int .Values.mtls.validityDays -}}
{{- $ns := .Release.Namespace -}}
{{- $annotation := "auth.nauthera.io/mtls-generation" -}}
{{- $oldCa := lookup "v1" "Secret" $ns (include "nauthera.mtls.caSecret" .) -}}
{{- $oldController := lookup "v1" "Secret" $ns (include "nauthera.mtls.controllerSecret" .) -}}
{{- $oldTs := lookup "v1" "Secret" $ns (include "nauthera.mtls.tokenserverSecret" .) -}}
{{- $sameGeneration := and $oldCa (eq (toString (dig "metadata" "annotations" $annotation "" $oldCa)) $generation) -}}
{{- $ca := dict -}}
{{- $caData := dict -}}
{{- if $sameGeneration -}}
{{- $caData = dict "tls.crt" (index $oldCa.data "tls.crt") "tls.key" (index $oldCa.data "tls.key") -}}
{{- $ca = buildCustomCert (index $oldCa.data "tls.crt") (index $oldCa.data "tls.key") -}}
{{- else -}}
{{- $ca = genCA (printf "%s-mtls-ca" (include "nauthera.fullname" .)) $days -}}
{{- $caData = dict "tls.crt" ($ca.Cert | b64enc) "tls.key" ($ca.Key | b64enc) -}}
{{- end -}}
{{- $caCrt := index $caData "tls.crt" -}}
{{- $dnsNames := include "nauthera.controller.dnsNames" . | fromJsonArray -}}
{{- $ips := .Values.mtls.extraIpAddresses -}}
{{- $namesKey := printf "%s|%s" (join "," $dnsNames) (join "," $ips) -}}
{{- $controller := dict -}}
{{- if and $sameGeneration $oldController (eq (dig "metadata" "annotations" "auth.nauthera.io/names" "" $oldController) $namesKey) (eq (index $oldController.data "ca.crt") $caCrt) -}}
{{- $controller = dict "tls.crt" (index $oldController.data "tls.crt") "tls.key" (index $oldController.data "tls.key") "ca.crt" $caCrt -}}
{{- else -}}
{{- $cert := genSignedCert (include "nauthera.controller.fullname" .) $ips $dnsNames $days $ca -}}
{{- $controller = dict "tls.crt" ($cert.Cert | b64enc) "tls.key" ($cert.Key | b64enc) "ca.crt" $caCrt -}}
{{- end -}}
{{- $ts := dict -}}
{{- if and $sameGeneration $oldTs (eq (index $oldTs.data "ca.crt") $caCrt) -}}
{{- $ts = dict "tls.crt" (index $oldTs.data "tls.crt") "tls.key" (index $oldTs.data "tls.key") "ca.crt" $caCrt -}}
{{- else -}}
{{- $cert := genSignedCert (include "nauthera.tokenserver.fullname" .) nil nil $days $ca -}}
{{- $ts = dict "tls.crt" ($cert.Cert | b64enc) "tls.key" ($cert.Key | b64enc) "ca.crt" $caCrt -}}
{{- end -}}
{{- $_ := set .Values "__nautheraMtls" (dict "ca" $caData "controller" $controller "tokenserver" $ts "names" $namesKey) -}}
{{- end -}}
{{- index .Values "__nautheraMtls" | toJson -}}
{{- end -}}

{{/* A checksum that changes exactly when the mutual-TLS material does (restarts the pods). */}}
{{- define "nauthera.mtls.checksum" -}}
{{- if .Values.certManager.enabled -}}
{{- printf "cert-manager/%v" .Values.mtls.generation | sha256sum -}}
{{- else -}}
{{- include "nauthera.mtls.data" . | sha256sum -}}
{{- end -}}
{{- end -}}

{{/* Pod-level settings shared by both Deployments: include "nauthera.podCommon" (list $ $component) */}}
{{- define "nauthera.podCommon" -}}
{{- $root := index . 0 -}}
{{- $c := index . 1 -}}
{{- with $root.Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $c.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with $c.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Whether the token servers share their one-time state in Redis. */}}
{{- define "nauthera.tokenserver.redis" -}}
{{- if or .Values.tokenServer.redis.url .Values.tokenServer.redis.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* The namespace of the kubectl OidcClient the default policy names: where it is served. */}}
{{- define "nauthera.kubernetesClientNamespace" -}}
{{- if .Values.defaultPolicy.kubernetesClient.namespace -}}
{{- .Values.defaultPolicy.kubernetesClient.namespace -}}
{{- else if eq .Values.rbac.scope "namespace" -}}
{{- include "nauthera.watchNamespace" . -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}
