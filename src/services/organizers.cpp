#include "services/organizers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "services/api_keys.hpp"
#include "services/ids.hpp"

namespace cis::services {

bool valid_trust(const std::string& trust) {
    static constexpr std::array<std::string_view, 5> kTrusts = {"default", "dkim", "secret", "both",
                                                                "none"};
    return std::find(kTrusts.begin(), kTrusts.end(), trust) != kTrusts.end();
}

std::string organizer_problem(const store::Organizer& o) {
    if (!valid_trust(o.trust))
        return fmt::format("trust \"{}\" is not one of default, dkim, secret, both, none", o.trust);
    if ((o.trust == "secret" || o.trust == "both") && o.secret.empty())
        return fmt::format("trust \"{}\" needs a secret address: set a secret or generate one",
                           o.trust);
    if (o.event_limit < 0) return "the event limit is a number of events, 0 for no limit";
    return "";
}

std::string new_organizer_secret() {
    // base64url may contain '-' and '_', both valid in a local part; 18 bytes = 144 bits.
    return random_token(18);
}

OrganizerRemoval remove_organizer(store::Tx& tx, const std::string& email, bool keep_events,
                                  std::int64_t now) {
    OrganizerRemoval r;
    r.found = tx.find_organizer(email).has_value();
    if (!r.found) return r;
    r.events = tx.count_events({"", email});
    if (r.events > 0 && !keep_events) return r;
    store::KeyFilter keys;
    keys.organizer = email;
    keys.include_revoked = false;
    keys.limit = 1'000'000;
    std::vector<std::string> ids;
    for (const auto& k : tx.list_api_keys_page(keys)) ids.push_back(k.id);
    r.revoked_keys = revoke_api_keys(tx, ids, now);
    tx.remove_organizer(email);
    return r;
}

}  // namespace cis::services
