#include "services/api_keys.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "core/address.hpp"
#include "services/ids.hpp"

namespace cis::services {

std::optional<Role> role_from(std::string_view s) {
    if (s == "admin") return Role::Admin;
    if (s == "domain") return Role::Domain;
    if (s == "organizer") return Role::Organizer;
    return std::nullopt;
}

NewKey make_api_key(const std::string& role, const std::string& organizer,
                    const std::string& domain, const std::string& label, std::int64_t now) {
    const auto r = role_from(role);
    if (!r)
        throw std::invalid_argument(
            fmt::format("unknown role \"{}\" (admin, domain, organizer)", role));
    NewKey k;
    k.record.role = role;
    k.record.label = label;
    k.record.created_at = now;
    if (*r == Role::Organizer) {
        k.record.organizer = normalize_address(organizer);
        if (k.record.organizer.empty())
            throw std::invalid_argument("an organizer key needs --organizer EMAIL");
    } else if (*r == Role::Domain) {
        k.record.domain = domain_part(normalize_address("x@" + domain));
        if (k.record.domain.empty() || k.record.domain.find('.') == std::string::npos)
            throw std::invalid_argument("a domain key needs --domain DOMAIN");
    }
    // Ids and secrets use the URL-safe alphabet without '_' so the three parts split cleanly.
    auto token = [](std::size_t bytes) {
        std::string t = random_token(bytes);
        for (char& c : t)
            if (c == '_') c = 'x';
        return t;
    };
    k.record.id = token(6);
    const std::string secret = token(24);
    k.record.hash = sha256_hex(secret);
    k.plaintext = "cis_" + k.record.id + "_" + secret;
    return k;
}

std::optional<store::ApiKey> authenticate(store::Tx& tx, std::string_view presented) {
    if (!presented.starts_with("cis_")) return std::nullopt;
    presented.remove_prefix(4);
    const auto sep = presented.find('_');
    if (sep == std::string_view::npos) return std::nullopt;
    auto key = tx.find_api_key(std::string(presented.substr(0, sep)));
    if (!key || key->revoked_at) return std::nullopt;
    if (!constant_time_equal(sha256_hex(presented.substr(sep + 1)), key->hash)) return std::nullopt;
    return key;
}

bool key_covers_organizer(const store::ApiKey& key, const std::string& organizer) {
    switch (role_from(key.role).value_or(Role::Organizer)) {
        case Role::Admin:
            return true;
        case Role::Domain:
            return domain_part(organizer) == key.domain;
        case Role::Organizer:
            return organizer == key.organizer;
    }
    return false;
}

bool key_manages_key(const store::ApiKey& caller, const store::ApiKey& target) {
    const auto role = role_from(caller.role);
    if (role == Role::Admin) return true;
    if (target.role != "organizer") return false;
    if (role == Role::Domain) return domain_part(target.organizer) == caller.domain;
    return role == Role::Organizer && target.organizer == caller.organizer;
}

std::vector<std::string> revoke_api_keys(store::Tx& tx, const std::vector<std::string>& ids,
                                         std::int64_t now) {
    std::vector<std::string> revoked;
    for (const auto& id : ids)
        if (tx.revoke_api_key(id, now)) revoked.push_back(id);
    return revoked;
}

}  // namespace cis::services
