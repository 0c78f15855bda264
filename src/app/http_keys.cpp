// API keys through the API: create (the plaintext shown once, in the 201 answer), list and
// show (never the secret or its hash), revoke.
//
// Scope (services::key_manages_key): admin keys manage every key; domain keys the
// organizer keys of organizers of their domain; organizer keys their own organizer's
// keys. A key never creates or revokes a key of a wider role or another scope, so no key
// can escalate. Revocation goes through services::revoke_api_keys, the one place keys are
// revoked.
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "core/address.hpp"
#include "services/api_keys.hpp"
#include "services/json_views.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

constexpr std::size_t kMaxLabel = 200;

std::string scope_refusal(const store::ApiKey& caller) {
    if (caller.role == "domain")
        return fmt::format("this domain key manages the organizer keys of organizers @{} only",
                           caller.domain);
    if (caller.role == "organizer")
        return "this organizer key manages the keys of " + caller.organizer + " only";
    return "this key may not manage that key";
}

void create(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto body = json_body(
        req, respond,
        R"({"role": "organizer", "organizer": "coach@club.example", "label": "console"})");
    if (!body) return;
    std::string text[4];  // role, organizer, domain, label
    const char* names[4] = {"role", "organizer", "domain", "label"};
    for (int i = 0; i < 4; ++i) {
        const auto it = body->find(names[i]);
        if (it == body->end() || it->is_null()) continue;
        if (!it->is_string())
            return respond(json_error(422, fmt::format("invalid_{}", names[i]),
                                      fmt::format("\"{}\" must be a string", names[i])));
        text[i] = it->get<std::string>();
    }
    const auto& [role, organizer, domain, label] = text;
    if (!services::role_from(role))
        return respond(
            json_error(422, "invalid_role", "\"role\" must be admin, domain or organizer"));
    if (role == "organizer" && normalize_address(organizer).empty())
        return respond(json_error(422, "invalid_organizer",
                                  "an organizer key needs \"organizer\": the organizer's address"));
    if (role == "domain" && domain.empty())
        return respond(json_error(422, "invalid_domain",
                                  "a domain key needs \"domain\": a domain such as club.example"));
    if (label.size() > kMaxLabel || label.find_first_of("\r\n") != std::string::npos)
        return respond(
            json_error(422, "invalid_label",
                       fmt::format("\"label\" is one line of at most {} characters", kMaxLabel)));
    services::NewKey k;
    try {
        k = services::make_api_key(role, organizer, domain, label, std::time(nullptr));
    } catch (const std::invalid_argument& e) {
        return respond(json_error(422, "invalid_key", e.what()));
    }
    if (!services::key_manages_key(*key, k.record))
        return respond(json_error(403, "forbidden", scope_refusal(*key)));
    commit_then_respond(
        ctx,
        [k](store::Tx& tx) {
            tx.insert_api_key(k.record);
            auto j = services::api_key_json(k.record);
            j["key"] = k.plaintext;  // the only time it is shown
            auto r = json_response(201, j);
            r.headers.emplace_back("Location", "/keys/" + k.record.id);
            return r;
        },
        std::move(respond));
}

void list(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto page = cursor_query(req, respond, "keys");
    if (!page) return;
    store::KeyFilter f;
    f.after = page->after;
    f.limit = page->limit + 1;
    f.include_revoked = query(req, "revoked") != "false";
    if (const auto o = query(req, "organizer"); !o.empty()) {
        f.organizer = normalize_address(o);
        if (f.organizer.empty())
            return respond(json_error(422, "invalid_organizer",
                                      fmt::format("organizer \"{}\" is not an email address", o)));
        if (!covers(*key, f.organizer, respond)) return;
    }
    if (key->role == "domain") f.organizer_domain = key->domain;
    if (key->role == "organizer") f.organizer = key->organizer;
    std::vector<store::ApiKey> found;
    ctx.store.read([&](store::Tx& tx) { found = tx.list_api_keys_page(f); });
    respond(cursor_page_response(found, *page, "keys", services::api_key_json,
                                 [](const store::ApiKey& k) { return k.id; }));
}

// The key of the path, if it exists and the caller manages it (else 404/403 answered).
std::optional<store::ApiKey> managed_key(ApiContext& ctx, const store::ApiKey& key, const Params& p,
                                         const Respond& respond) {
    std::optional<store::ApiKey> target;
    ctx.store.read([&](store::Tx& tx) { target = tx.find_api_key(p.at("id")); });
    if (!target) {
        respond(json_error(404, "key_not_found", "no API key with id " + p.at("id")));
        return std::nullopt;
    }
    if (!services::key_manages_key(key, *target)) {
        respond(json_error(403, "forbidden", scope_refusal(key)));
        return std::nullopt;
    }
    return target;
}

void show(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    if (auto target = managed_key(ctx, *key, p, respond))
        respond(json_response(200, services::api_key_json(*target)));
}

void revoke(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto target = managed_key(ctx, *key, p, respond);
    if (!target) return;
    commit_then_respond(
        ctx,
        [id = target->id](store::Tx& tx) {
            if (services::revoke_api_keys(tx, {id}, std::time(nullptr)).empty())
                return json_error(409, "key_revoked", "API key " + id + " is already revoked");
            return json_response(200, services::api_key_json(*tx.find_api_key(id)));
        },
        forgetting_keys(ctx, std::move(respond)));
}

}  // namespace

void add_key_routes(http::Router& router, ApiContext& ctx) {
    router.add("POST", "/keys", api::bind(ctx, create));
    router.add("GET", "/keys", api::bind(ctx, list));
    router.add("GET", "/keys/{id}", api::bind(ctx, show));
    router.add("DELETE", "/keys/{id}", api::bind(ctx, revoke));
}

}  // namespace cis::app
