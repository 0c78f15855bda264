// `cis key create|list|revoke`: API keys for the HTTP API.
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/runtime.hpp"
#include "services/api_keys.hpp"
#include "services/json_views.hpp"

namespace cis::app {

int cmd_key_create(const Config& c, const KeyArgs& a) {
    services::NewKey k;
    try {
        k = services::make_api_key(a.role, a.organizer, a.domain, a.label, std::time(nullptr));
    } catch (const std::invalid_argument& e) {
        throw ConfigError(e.what());
    }
    auto store = open_store(c);
    store->write([&](store::Tx& tx) { tx.insert_api_key(k.record); });
    std::cout << fmt::format("{} key {} created{}{}; it is shown only now:\n", k.record.role,
                             k.record.id,
                             k.record.organizer.empty() ? "" : " for " + k.record.organizer,
                             k.record.domain.empty() ? "" : " for @" + k.record.domain);
    std::cout << k.plaintext << "\n";  // alone on the last line, for scripts
    return 0;
}

int cmd_key_list(const Config& c, const KeyArgs& a) {
    auto store = open_store(c);
    std::vector<store::ApiKey> keys;
    store->read([&](store::Tx& tx) { keys = tx.list_api_keys(); });
    if (a.json) {
        auto list = nlohmann::json::array();
        for (const auto& k : keys) list.push_back(services::api_key_json(k));
        std::cout << nlohmann::json{{"keys", list}}.dump(2) << "\n";
        return 0;
    }
    for (const auto& k : keys)
        std::cout << fmt::format("{:<10} {:<10} {:<32} {}{}\n", k.id, k.role,
                                 k.organizer.empty() ? k.domain : k.organizer, k.label,
                                 k.revoked_at ? " (revoked)" : "");
    if (keys.empty()) std::cout << "no keys; create one with: cis key create --role admin\n";
    return 0;
}

int cmd_key_revoke(const Config& c, const KeyArgs& a) {
    std::string id = a.id;
    if (id.starts_with("cis_")) id = id.substr(4, id.find('_', 4) - 4);  // a whole key was pasted
    auto store = open_store(c);
    bool revoked = false;
    store->write([&](store::Tx& tx) {
        revoked = !services::revoke_api_keys(tx, {id}, std::time(nullptr)).empty();
    });
    if (!revoked) {
        std::cerr << "cis: no active key with id " << id << "\n";
        return 1;
    }
    std::cout << "key " << id << " revoked\n";
    return 0;
}

}  // namespace cis::app
