{{- define "screener.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "screener.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: "worker" or "api". */}}
{{- define "screener.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "screener.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "screener.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "screener.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "screener.rulesConfigMap" -}}
{{- if .Values.rules.existingConfigMap -}}
{{- .Values.rules.existingConfigMap -}}
{{- else if .Values.rules.content -}}
{{- printf "%s-rules" (include "screener.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The settings both processes read (deploy/README.md §2). */}}
{{- define "screener.env" -}}
- name: SCREENER_KAFKA_BOOTSTRAP
  value: {{ .Values.kafka.bootstrap | quote }}
- name: SCREENER_KAFKA_SECURITY_PROTOCOL
  value: {{ .Values.kafka.securityProtocol | quote }}
{{- with .Values.kafka.saslMechanism }}
- name: SCREENER_KAFKA_SASL_MECHANISM
  value: {{ . | quote }}
{{- end }}
{{- with .Values.kafka.saslUsername }}
- name: SCREENER_KAFKA_SASL_USERNAME
  value: {{ . | quote }}
{{- end }}
{{- if .Values.kafka.saslPasswordSecret.name }}
- name: SCREENER_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.saslPasswordSecret.name }}
      key: {{ .Values.kafka.saslPasswordSecret.key }}
{{- end }}
{{- if .Values.kafka.caSecret.name }}
- name: SCREENER_KAFKA_SSL_CAFILE
  value: /etc/screener/kafka-ca/{{ .Values.kafka.caSecret.key }}
{{- end }}
- name: SCREENER_TOPIC_PARTITIONS
  value: {{ .Values.kafka.topicPartitions | quote }}
{{- with .Values.kafka.replicationFactor }}
- name: SCREENER_TOPIC_REPLICATION_FACTOR
  value: {{ . | quote }}
{{- end }}
{{- with .Values.kafka.minInsyncReplicas }}
- name: SCREENER_TOPIC_MIN_INSYNC_REPLICAS
  value: {{ . | quote }}
{{- end }}
- name: SCREENER_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "redis.urlSecret.name: a Secret holding SCREENER_REDIS_URL" .Values.redis.urlSecret.name }}
      key: {{ .Values.redis.urlSecret.key }}
- name: SCREENER_CONSUMER_GROUP
  value: {{ .Values.worker.consumerGroup | quote }}
{{- if include "screener.rulesConfigMap" . }}
- name: SCREENER_RULES_FILE
  value: /etc/screener/rules/rules.yaml
{{- end }}
{{- end -}}

{{/* Volumes both processes mount: a writable working directory and /tmp on a read-only
     root file system, the rules file and the Kafka CA where given. */}}
{{- define "screener.volumes" -}}
- name: data
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- with include "screener.rulesConfigMap" . }}
- name: rules
  configMap:
    name: {{ . }}
{{- end }}
{{- if .Values.kafka.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.caSecret.name }}
{{- end }}
{{- end -}}

{{- define "screener.volumeMounts" -}}
- name: data
  mountPath: /var/lib/screener
- name: tmp
  mountPath: /tmp
{{- if include "screener.rulesConfigMap" . }}
- name: rules
  mountPath: /etc/screener/rules
  readOnly: true
{{- end }}
{{- if .Values.kafka.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/screener/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* Replicas of a component on different nodes where the cluster allows it. */}}
{{- define "screener.affinity" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "screener.selector" . | nindent 12 }}
{{- end -}}
