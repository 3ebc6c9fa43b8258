{{- define "kassette.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kassette.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kassette.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "kassette.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "kassette.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kassette.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kassette.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kassette.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The rules the operator needs wherever it reconciles: exactly what OperatorIT sees it call. */}}
{{- define "kassette.rules" -}}
- apiGroups: ["kassette.io"]
  resources: ["cassandrabackups"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["kassette.io"]
  resources: ["cassandrarestores"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["kassette.io"]
  resources: ["backupschedules"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["kassette.io"]
  resources: ["cassandrabackups/status", "cassandrarestores/status", "backupschedules/status"]
  verbs: ["patch"]
# Pods: an informer (list, watch) for the database pods the resources select.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# The sidecar token and CA Secrets, by name only: informers restricted to each name.
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: {{ toJson .Values.sidecarSecretNames }}
  verbs: ["list", "watch"]
# Events, aggregated: created once, then their count patched.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "get", "patch"]
{{- end -}}

{{/* The namespaces of the database pods: databaseNamespaces, else watchNamespaces, else the release's. */}}
{{- define "kassette.databaseNamespaces" -}}
{{- if .Values.databaseNamespaces -}}
{{- toJson .Values.databaseNamespaces -}}
{{- else if .Values.watchNamespaces -}}
{{- toJson .Values.watchNamespaces -}}
{{- else -}}
{{- toJson (list .Release.Namespace) -}}
{{- end -}}
{{- end -}}

{{- define "kassette.sidecarCaSecret" -}}
{{- if .Values.sidecarTls.caSecretName -}}
{{- .Values.sidecarTls.caSecretName -}}
{{- else -}}
{{- printf "%s-sidecar-ca" (include "kassette.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
