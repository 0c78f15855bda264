#pragma once
// API keys (SPEC §4): "cis_<id>_<secret>". The id is public (listings, logs); only a
// SHA-256 of the secret is stored, so a stolen database does not yield usable keys.
#include <optional>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "store/store.hpp"

namespace cis::services {

enum class Role { Admin, Domain, Organizer };
std::optional<Role> role_from(std::string_view s);

struct NewKey {
    store::ApiKey record;
    std::string plaintext;  // shown once, never stored
};

// Validates the scope (domain keys need a domain, organizer keys an organizer).
NewKey make_api_key(const std::string& role, const std::string& organizer,
                    const std::string& domain, const std::string& label, std::int64_t now);

// The key's record when `presented` is a valid, unrevoked key.
std::optional<store::ApiKey> authenticate(store::Tx& tx, std::string_view presented);

// Whether the key may act on an organizer's events: admin always, domain keys for
// organizers of their domain, organizer keys for their own.
bool key_covers_organizer(const store::ApiKey& key, const std::string& organizer);

// Whether `caller` may see, create or revoke `target` (a key that exists or is about to):
// admin keys any key; domain keys the organizer keys of organizers of their domain;
// organizer keys the organizer keys of their own organizer. Never a key of a wider role
// than the caller's, so no key can make or unmake a stronger one.
bool key_manages_key(const store::ApiKey& caller, const store::ApiKey& target);

// THE one place keys are revoked (the API's DELETE /keys/{id}, removing an organizer, and
// `cis key revoke`): anything that caches keys must be told here. Returns the ids that
// were active and are now revoked.
std::vector<std::string> revoke_api_keys(store::Tx& tx, const std::vector<std::string>& ids,
                                         std::int64_t now);

}  // namespace cis::services
