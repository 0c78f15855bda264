#pragma once
// Organizer management shared by the CLI (`cis organizer …`) and the HTTP API: what a
// valid organizer record is, and removing one without losing anything silently.
#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace cis::services {

// default (installation policy) / dkim / secret / both / none
bool valid_trust(const std::string& trust);
// Why the record cannot be stored ("" when it can): an unknown trust, a trust that needs
// a secret address without one, a negative event limit.
std::string organizer_problem(const store::Organizer& o);
// A fresh secret for create+<secret>@ (URL- and address-safe).
std::string new_organizer_secret();

struct OrganizerRemoval {
    bool found = false;
    std::int64_t events = 0;                // events stored for the organizer (kept)
    std::vector<std::string> revoked_keys;  // ids of its keys revoked with it
};
// Removes the organizer and revokes its organizer keys, in the caller's transaction.
// Its events, invitees and answers are kept (they stay visible to admin and domain keys);
// with `keep_events` false nothing is removed when it has events (found and events tell).
OrganizerRemoval remove_organizer(store::Tx& tx, const std::string& email, bool keep_events,
                                  std::int64_t now);

}  // namespace cis::services
