#pragma once
// The JSON shapes of stored things, shared by the CLI (--json) and the HTTP API so
// both always print the same fields.
#include <nlohmann/json.hpp>

#include "core/event.hpp"
#include "store/records.hpp"

namespace cis::services {

// {id, organizer, original_uid, summary, description, location, start, end, timezone,
//  all_day, rrule, status, sequence, created_at, updated_at, [occurrences], ...}
nlohmann::json event_json(const Event& e);
nlohmann::json organizer_json(const store::Organizer& o);
// {id, role, organizer, domain, label, created_at, revoked_at}: never the hash.
nlohmann::json api_key_json(const store::ApiKey& k);
nlohmann::json inbound_json(const store::InboundRecord& r);
nlohmann::json outbox_json(const store::OutboxMessage& m, bool with_message);
// "20240501T080000Z" → "2024-05-01T08:00:00Z", "20240501" → "2024-05-01"
std::string recurrence_id_rfc3339(const std::string& key);

}  // namespace cis::services
