// Organizers through the API (SPEC §4 "organizers and keys management"): create, list,
// show, change, remove; and the domains whose every address may organise.
//
// Who may do what (docs/api.md):
// - admin keys: everything.
// - domain keys: the organizers of their domain, and allowing their own domain.
// - organizer keys: see their own organizer, and change its name, secret address and
//   approval switch; trust and event limit are the installation's policy, set above them.
//
// Removing an organizer that still has events is refused unless ?keep_events=true says
// so: its events, invitees and answers are then kept (admin and domain keys still see
// them) but nobody can change them by mail any more. Its keys are revoked with it.
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "core/address.hpp"
#include "core/time.hpp"
#include "services/api_keys.hpp"
#include "services/json_views.hpp"
#include "services/landing_urls.hpp"
#include "services/organizers.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

// Domain keys manage the organizers of their domain; admin keys all.
bool manages(const store::ApiKey& key, const std::string& email) {
    return key.role == "admin" || (key.role == "domain" && domain_part(email) == key.domain);
}

nlohmann::json approval_json(std::optional<bool> a) {
    return a ? nlohmann::json(*a) : nlohmann::json();
}

// The organizer named in the path, covered by the key (else 422/403 answered).
std::optional<std::string> path_organizer(const store::ApiKey& key, const Params& p,
                                          const Respond& respond) {
    const std::string email = normalize_address(p.at("email"));
    if (email.empty()) {
        respond(json_error(422, "invalid_organizer",
                           fmt::format("\"{}\" is not an email address", p.at("email"))));
        return std::nullopt;
    }
    if (!covers(key, email, respond)) return std::nullopt;
    return email;
}

// The organizer as the API shows it; with the transaction, its approval switch, event
// count and active keys too.
nlohmann::json organizer_view(const ApiContext& ctx, const store::Organizer& o, store::Tx& tx,
                              bool show_secret) {
    auto j = services::organizer_json(o);
    j["approval"] = approval_json(tx.organizer_approval(o.email));
    j["events"] = tx.count_events({"", o.email});
    j["active_keys"] = tx.count_active_keys(o.email);
    j["landing_urls"] = tx.landing_urls(o.email);  // where CTA links and pages may send visitors
    if (show_secret && !o.secret.empty())
        j["secret_address"] = fmt::format("{}+{}@{}", ctx.create_mailbox, o.secret, ctx.domain);
    return j;
}

// The changes a POST or PATCH body asks for, checked for type and for the caller's right
// to make them. They are applied inside the write transaction, to the record as it is
// then, so two concurrent changes of different fields both stay.
struct OrganizerEdit {
    std::optional<std::string> name, trust, secret;
    std::optional<std::int64_t> event_limit;
    std::optional<std::optional<bool>> approval;           // outer: given; inner: null = inherit
    std::optional<std::vector<std::string>> landing_urls;  // normalised; replaces the list

    // The record with the changes, or the reason it would be invalid (services rule).
    std::string apply(store::Organizer& o) const {
        if (name) o.name = *name;
        if (trust) o.trust = *trust;
        if (secret) o.secret = *secret;
        if (event_limit) o.event_limit = *event_limit;
        return services::organizer_problem(o);
    }
    // Whether the answer shows the secret address: only to the call that set it.
    bool shows_secret() const { return secret && !secret->empty(); }
};

// The landing URL allow-list of a body (issue 6): URL prefixes CTA links and pages may send
// visitors to, normalised so they compare with what links carry; nullopt after a 422 that
// names the bad entry.
constexpr std::size_t kMaxLandingUrls = 50;

std::optional<std::vector<std::string>> read_landing_urls(const nlohmann::json& value,
                                                          const Respond& respond) {
    if (!value.is_array() || value.size() > kMaxLandingUrls) {
        respond(json_error(422, "invalid_landing_urls",
                           fmt::format("\"landing_urls\" is an array of at most {} http(s) URL "
                                       "prefixes, e.g. [\"https://club.example/fans/\"]",
                                       kMaxLandingUrls)));
        return std::nullopt;
    }
    std::vector<std::string> urls;
    for (const auto& entry : value) {
        std::string why = "it is not a string";
        const auto normal = entry.is_string()
                                ? services::normalise_landing_url(entry.get<std::string>(), &why)
                                : std::nullopt;
        if (!normal) {
            respond(json_error(422, "invalid_landing_url",
                               fmt::format("\"landing_urls\" entry {}: {}", entry.dump(), why)));
            return std::nullopt;
        }
        urls.push_back(*normal);
    }
    return urls;
}

std::optional<OrganizerEdit> read_edit(const nlohmann::json& body, const store::ApiKey& key,
                                       bool creating, const Respond& respond) {
    const auto fail = [&](int status, std::string code, std::string message) {
        respond(json_error(status, code, message));
        return std::nullopt;
    };
    OrganizerEdit e;
    const bool organizer_key = key.role == "organizer";
    for (const auto& [name, value] : body.items()) {
        const bool policy = name == "trust" || name == "event_limit";
        if (organizer_key && policy)
            return fail(403, "forbidden",
                        fmt::format("\"{}\" is the installation's policy: a domain or admin key "
                                    "changes it",
                                    name));
        if (name == "email" && creating) continue;
        if (name == "name" || name == "trust" || name == "secret") {
            if (!value.is_string() && !(name == "secret" && value.is_null()))
                return fail(422, "invalid_" + name, fmt::format("\"{}\" must be a string", name));
            const std::string text = value.is_null() ? "" : value.get<std::string>();
            if (text.size() > 200)
                return fail(422, "invalid_" + name,
                            fmt::format("\"{}\" is at most 200 characters", name));
            if (name == "secret" &&
                text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789-_") != std::string::npos)
                return fail(422, "invalid_secret",
                            "\"secret\" goes into an address (create+SECRET@): letters, "
                            "digits, '-' and '_' only");
            (name == "name" ? e.name : name == "trust" ? e.trust : e.secret) = text;
        } else if (name == "rotate_secret" || name == "generate_secret") {
            if (!value.is_boolean())
                return fail(422, "invalid_" + name,
                            fmt::format("\"{}\" must be true or false", name));
            if (value.get<bool>()) e.secret = services::new_organizer_secret();
        } else if (name == "event_limit") {
            if (!value.is_number_integer() || value.get<std::int64_t>() < 0)
                return fail(422, "invalid_event_limit",
                            "\"event_limit\" must be a whole number, 0 for no limit");
            e.event_limit = value.get<std::int64_t>();
        } else if (name == "approval") {
            if (!value.is_boolean() && !value.is_null())
                return fail(422, "invalid_approval",
                            "\"approval\" must be true, false or null (inherit)");
            e.approval = value.is_null() ? std::optional<bool>() : value.get<bool>();
        } else if (name == "landing_urls") {
            auto urls = read_landing_urls(value, respond);
            if (!urls) return std::nullopt;
            e.landing_urls = std::move(*urls);
        } else {
            return fail(422, "unknown_field",
                        fmt::format("unknown field \"{}\"; an organizer has name, trust, secret, "
                                    "rotate_secret, event_limit, approval and landing_urls",
                                    name));
        }
    }
    return e;
}

// Applies the edit to `o` and stores it, in the caller's transaction; the answer.
http::Response store_edit(const ApiContext& ctx, store::Tx& tx, store::Organizer o,
                          const OrganizerEdit& e, int status) {
    if (const auto problem = e.apply(o); !problem.empty())
        return json_error(422, "invalid_organizer", problem);
    tx.put_organizer(o);
    if (e.approval) tx.set_organizer_approval(o.email, *e.approval);
    if (e.landing_urls) tx.set_landing_urls(o.email, *e.landing_urls, std::time(nullptr));
    return json_response(status, organizer_view(ctx, o, tx, e.shows_secret()));
}

void create(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto body = json_body(req, respond, R"({"email": "coach@club.example", "name": "Coach"})");
    if (!body) return;
    const auto it = body->find("email");
    const std::string email =
        it != body->end() && it->is_string() ? normalize_address(it->get<std::string>()) : "";
    if (email.empty())
        return respond(json_error(422, "invalid_email",
                                  "\"email\" must be the organizer's address, e.g. "
                                  "\"coach@club.example\""));
    if (!manages(*key, email))
        return respond(json_error(
            403, "forbidden",
            key->role == "domain"
                ? fmt::format("this domain key registers organizers @{} only", key->domain)
                : "registering organizers needs an admin key or a domain key of their domain"));
    auto edit = read_edit(*body, *key, true, respond);
    if (!edit) return;
    commit_then_respond(
        ctx,
        [&ctx, email, e = *edit](store::Tx& tx) {
            if (tx.find_organizer(email))
                return json_error(
                    409, "organizer_exists",
                    email + " is already registered; change it with PATCH /organizer/" + email);
            store::Organizer o;
            o.email = email;
            o.created_at = std::time(nullptr);
            auto r = store_edit(ctx, tx, o, e, 201);
            if (r.status == 201) r.headers.emplace_back("Location", "/organizer/" + email);
            return r;
        },
        std::move(respond));
}

void list(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto page = cursor_query(req, respond, "organizers");
    if (!page) return;
    store::OrganizerPageFilter f{"", page->after, page->limit + 1};
    if (key->role == "domain") f.domain = key->domain;
    std::vector<store::Organizer> found;
    ctx.store.read([&](store::Tx& tx) {
        if (key->role != "organizer") {
            found = tx.list_organizers_page(f);
        } else if (auto own = tx.find_organizer(key->organizer); own && own->email > f.after) {
            found.push_back(*own);  // an organizer key sees its own organizer only
        }
    });
    respond(cursor_page_response(found, *page, "organizers", services::organizer_json,
                                 [](const store::Organizer& o) { return o.email; }));
}

void show(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto email = path_organizer(*key, p, respond);
    if (!email) return;
    nlohmann::json view;
    ctx.store.read([&](store::Tx& tx) {
        if (auto o = tx.find_organizer(*email)) view = organizer_view(ctx, *o, tx, false);
    });
    if (view.is_null())
        return respond(
            json_error(404, "organizer_not_found", *email + " is not a registered organizer"));
    respond(json_response(200, view));
}

void change(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto email = path_organizer(*key, p, respond);
    if (!email) return;
    auto body = json_body(req, respond, R"({"name": "Coach", "rotate_secret": true})");
    if (!body) return;
    auto edit = read_edit(*body, *key, false, respond);
    if (!edit) return;
    commit_then_respond(
        ctx,
        [&ctx, email = *email, e = *edit](store::Tx& tx) {
            const auto current = tx.find_organizer(email);
            if (!current)
                return json_error(404, "organizer_not_found",
                                  email + " is not a registered organizer");
            return store_edit(ctx, tx, *current, e, 200);
        },
        std::move(respond));
}

void remove(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto email = path_organizer(*key, p, respond);
    if (!email) return;
    if (!manages(*key, *email))
        return respond(json_error(403, "forbidden",
                                  "an organizer is removed by a domain key of its domain or an "
                                  "admin key"));
    const bool keep_events = truthy(query(req, "keep_events"));
    commit_then_respond(
        ctx,
        [email = *email, keep_events](store::Tx& tx) {
            const auto before = tx.find_organizer(email);
            const auto r = services::remove_organizer(tx, email, keep_events, std::time(nullptr));
            if (!r.found)
                return json_error(404, "organizer_not_found",
                                  email + " is not a registered organizer");
            if (r.events > 0 && !keep_events)
                return json_error(
                    409, "organizer_has_events",
                    fmt::format("{} has {} events; they would be kept, but could no longer be "
                                "changed by mail. To remove the organizer anyway, repeat with "
                                "?keep_events=true",
                                email, r.events));
            return json_response(200, {{"removed", services::organizer_json(*before)},
                                       {"events_kept", r.events},
                                       {"revoked_keys", r.revoked_keys}});
        },
        forgetting_keys(ctx, std::move(respond)));
}

}  // namespace

void add_organizer_routes(http::Router& router, ApiContext& ctx) {
    router.add("POST", "/organizers", api::bind(ctx, create));
    router.add("GET", "/organizers", api::bind(ctx, list));
    router.add("GET", "/organizer/{email}", api::bind(ctx, show));
    router.add("PATCH", "/organizer/{email}", api::bind(ctx, change));
    router.add("DELETE", "/organizer/{email}", api::bind(ctx, remove));
}

}  // namespace cis::app
