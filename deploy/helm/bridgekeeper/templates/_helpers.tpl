{{/* The release's resource name, at most 63 characters. */}}
{{- define "bridgekeeper.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels every resource carries. */}}
{{- define "bridgekeeper.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The labels that select the pods. */}}
{{- define "bridgekeeper.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Where the signing key files are mounted. */}}
{{- define "bridgekeeper.keysDir" -}}/etc/bridgekeeper/keys{{- end -}}

{{/* bridgekeeper.yaml: the values' config with the listeners and key files the chart sets. */}}
{{- define "bridgekeeper.config" -}}
{{- $cfg := deepCopy .Values.config -}}
{{- $_ := set $cfg "listen" (printf "0.0.0.0:%d" (int .Values.service.port)) -}}
{{- if .Values.metrics.enabled -}}
{{- $_ := set $cfg "metrics" (dict "listen" (printf "0.0.0.0:%d" (int .Values.metrics.port))) -}}
{{- end -}}
{{- $oidc := default (dict) $cfg.oidc -}}
{{- $keys := list -}}
{{- range .Values.secrets.signingKeys.files -}}
{{- $keys = append $keys (dict "file" (printf "%s/%s" (include "bridgekeeper.keysDir" $) .)) -}}
{{- end -}}
{{- $_ := set $oidc "signing_keys" $keys -}}
{{- $_ := set $cfg "oidc" $oidc -}}
{{- toYaml $cfg -}}
{{- end -}}
