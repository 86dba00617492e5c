#!/usr/bin/env bash
# The least-privilege ACLs of the order-pipeline services, as kafka-acls commands.
#
#   deploy/acls.sh --bootstrap-server HOST:PORT [--command-config FILE] [--dry-run] [SERVICE...]
#
# Each service runs as its own user and gets only what it needs:
#   - READ on its input topics (orders; customer-join also customers),
#   - WRITE on its output topics,
#   - on the topics prefixed "<application.id>-" (its internal changelog and repartition topics,
#     and its dead-letter topic <application.id>-dlq): CREATE, READ, WRITE, DELETE (purging
#     repartition topics), DESCRIBE_CONFIGS,
#   - READ on its consumer group <application.id> (literal: the group id is the application id),
#   - WRITE on the transactional ids prefixed "<application.id>-" (exactly-once:
#     <application.id>-<process id>-<thread>).
# Nothing on the cluster resource: WRITE on a topic implies IDEMPOTENT_WRITE (Kafka 3.0+).
# DESCRIBE comes with each of READ, WRITE, DELETE (Kafka's implied operations).
#
# Who is who, from the environment (defaults in brackets):
#   ORDER_FILTER_USER [order-filter]        ORDER_FILTER_APPLICATION_ID [order-filter]
#   ORDER_ENRICHER_USER [order-enricher]    ORDER_ENRICHER_APPLICATION_ID [order-enricher]
#   CUSTOMER_STATS_USER [customer-stats]    CUSTOMER_STATS_APPLICATION_ID [customer-stats]
#   PRODUCT_REVENUE_USER [product-revenue]  PRODUCT_REVENUE_APPLICATION_ID [product-revenue]
#   CUSTOMER_JOIN_USER [customer-join]      CUSTOMER_JOIN_APPLICATION_ID [customer-join]
# (a user is the SCRAM user name, or any principal name after "User:"; the application id is the
# service's APPLICATION_ID). KAFKA_ACLS names the command [kafka-acls.sh, else kafka-acls].
#
# --command-config is the admin client's properties (security settings of a user allowed to
# alter ACLs). --dry-run prints each command, its arguments separated by tabs, instead of running
# it (SecuredClusterIT applies exactly those lines). SERVICE... limits it to those services.
set -euo pipefail

usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

bootstrap="" config="" dry_run=false services=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-server) [ $# -ge 2 ] || usage; bootstrap=$2; shift 2 ;;
    --command-config) [ $# -ge 2 ] || usage; config=$2; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) usage ;;
    -*) echo "acls.sh: unknown option $1" >&2; usage ;;
    *) services+=("$1"); shift ;;
  esac
done
[ -n "$bootstrap" ] || { echo "acls.sh: --bootstrap-server is required" >&2; usage; }
[ ${#services[@]} -gt 0 ] || services=(order-filter order-enricher customer-stats product-revenue customer-join)

if [ -z "${KAFKA_ACLS:-}" ]; then
  if command -v kafka-acls.sh >/dev/null 2>&1; then KAFKA_ACLS=kafka-acls.sh; else KAFKA_ACLS=kafka-acls; fi
fi
connection=(--bootstrap-server "$bootstrap")
[ -z "$config" ] || connection+=(--command-config "$config")

acl() {
  local command=("$KAFKA_ACLS" "${connection[@]}" --add "$@")
  if $dry_run; then
    (IFS=$'\t'; printf '%s\n' "${command[*]}")
  else
    "${command[@]}"
  fi
}

# service_acls USER APPLICATION_ID "INPUT..." "OUTPUT..."
service_acls() {
  local principal="User:$1" app=$2 args
  args=(); for t in $3; do args+=(--topic "$t"); done
  acl --allow-principal "$principal" --operation Read "${args[@]}"
  args=(); for t in $4; do args+=(--topic "$t"); done
  acl --allow-principal "$principal" --operation Write "${args[@]}"
  acl --allow-principal "$principal" --resource-pattern-type prefixed --topic "$app-" \
      --operation Create --operation Read --operation Write --operation Delete --operation DescribeConfigs
  acl --allow-principal "$principal" --operation Read --group "$app"
  acl --allow-principal "$principal" --resource-pattern-type prefixed --transactional-id "$app-" --operation Write
}

for service in "${services[@]}"; do
  var=$(printf '%s' "$service" | tr 'a-z-' 'A-Z_')
  user_var="${var}_USER" app_var="${var}_APPLICATION_ID"
  user=${!user_var:-$service} app=${!app_var:-$service}
  case "$service" in
    order-filter)    service_acls "$user" "$app" "orders" "high-value-orders" ;;
    order-enricher)  service_acls "$user" "$app" "orders" "enriched-orders" ;;
    customer-stats)  service_acls "$user" "$app" "orders" "customer-stats customer-alerts" ;;
    product-revenue) service_acls "$user" "$app" "orders" "product-revenue-hourly product-revenue-late" ;;
    customer-join)   service_acls "$user" "$app" "orders customers" "customer-enriched-orders" ;;
    *) echo "acls.sh: unknown service $service (order-filter, order-enricher, customer-stats, product-revenue, customer-join)" >&2; exit 2 ;;
  esac
done
