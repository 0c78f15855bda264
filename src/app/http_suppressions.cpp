// Suppressions through the API (SPEC §3.5, §4): the addresses CIS does not mail, listed,
// added and removed.
//
// An entry is for one organizer (an unsubscribe, an organizer's block) or for every
// organizer (organizer "": hard bounces, complaints, an operator's block). Who sees what:
//
// - admin keys: every entry; they add and remove any.
// - domain and organizer keys: the entries of the organizers they cover. Entries for every
//   organizer are the installation's, and usually the consequence of another organizer's
//   mail (a bounce, a complaint): listing them would show one tenant the recipients of
//   the others. They are shown only to a lookup of one address (?email=), which is what
//   explains why inviting that address is refused, without their detail (it may name the
//   other organizer's event), and they cannot be removed.
// - these keys may add "blocked" (and record "unsubscribed") for their organizers, and
//   remove their blocks; an unsubscribe is the recipient's decision, and only an admin
//   lifts it (on the recipient's request). Bounces and complaints are the admin's.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

#include "app/api_support.hpp"
#include "app/http_api.hpp"
#include "core/address.hpp"
#include "core/time.hpp"
#include "mail/address_check.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

constexpr std::size_t kMaxDetail = 500;
constexpr std::array<std::string_view, 4> kReasons = {"bounced", "complained", "unsubscribed",
                                                      "blocked"};

bool admin(const store::ApiKey& key) {
    return key.role == "admin";
}

bool known_reason(std::string_view r) {
    return std::find(kReasons.begin(), kReasons.end(), r) != kReasons.end();
}

// What a key other than admin may remove: blocks.
bool removable_by(const store::ApiKey& key, const store::Suppression& s) {
    return admin(key) || (!s.organizer.empty() && s.reason == "blocked");
}

nlohmann::json suppression_json(const store::Suppression& s, const store::ApiKey& key) {
    const bool hide_detail = !admin(key) && s.organizer.empty();
    return {{"email", s.email},
            {"organizer", s.organizer.empty() ? nlohmann::json() : nlohmann::json(s.organizer)},
            {"reason", s.reason},
            {"detail", hide_detail ? nlohmann::json() : nlohmann::json(s.detail)},
            {"created_at", rfc3339_utc(s.created_at)},
            {"removable", removable_by(key, s)}};
}

// The address as invitations store it (checked, IDN domain in ASCII, lower-cased), or
// nullopt after answering 422.
std::optional<std::string> address_param(std::string_view text, const char* what,
                                         const Respond& respond) {
    const auto checked = mail::check_address(text);
    if (!checked.ok()) {
        respond(json_error(422, fmt::format("invalid_{}", what),
                           fmt::format("{} \"{}\": {}", what, text, checked.error)));
        return std::nullopt;
    }
    std::string out = checked.address;
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// An organizer named by the caller: normalised, and covered by the key (else 422/403).
std::optional<std::string> organizer_param(const store::ApiKey& key, std::string_view text,
                                           const Respond& respond) {
    const std::string organizer = normalize_address(text);
    if (organizer.empty()) {
        respond(json_error(422, "invalid_organizer",
                           fmt::format("organizer \"{}\" is not an email address", text)));
        return std::nullopt;
    }
    if (!covers(key, organizer, respond)) return std::nullopt;
    return organizer;
}

void list_entries(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto page = page_query(req, respond, "a position");
    if (!page) return;
    store::SuppressionFilter f;
    f.limit = page->limit + 1;
    f.before = page->before;
    if (const auto email = query(req, "email"); !email.empty()) {
        const auto address = address_param(email, "email", respond);
        if (!address) return;
        f.email = *address;
    }
    f.reason = query(req, "reason");
    if (!f.reason.empty() && !known_reason(f.reason))
        return respond(json_error(422, "invalid_reason",
                                  "reason must be bounced, complained, unsubscribed or blocked"));
    if (const auto organizer = query(req, "organizer"); !organizer.empty()) {
        // That organizer's own entries only.
        const auto o = organizer_param(*key, organizer, respond);
        if (!o) return;
        f.organizer = *o;
        f.global = false;
    } else if (key->role == "organizer") {
        f.organizer = key->organizer;
        f.global = !f.email.empty();
    } else if (key->role == "domain") {
        f.domain = key->domain;
        f.global = !f.email.empty();
    }
    std::vector<store::Suppression> found;
    ctx.store.read([&](store::Tx& tx) { found = tx.list_suppressions(f); });
    const bool more = trim_page(found, *page);
    auto items = nlohmann::json::array();
    for (const auto& s : found) items.push_back(suppression_json(s, *key));
    respond(json_response(
        200, {{"suppressions", items},
              {"next_before", more ? nlohmann::json(found.back().position) : nlohmann::json()}}));
}

void add_entry(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto body = json_body(req, respond,
                          "{\"email\": \"zack@example.org\", \"organizer\": \"org@example.org\"}");
    if (!body) return;
    const auto text = [&](const char* name) -> std::optional<std::string> {
        const auto it = body->find(name);
        if (it == body->end() || it->is_null()) return std::string();
        if (it->is_string()) return it->get<std::string>();
        respond(json_error(422, fmt::format("invalid_{}", name),
                           fmt::format("\"{}\" must be a string", name)));
        return std::nullopt;
    };
    const auto email_text = text("email");
    if (!email_text) return;
    if (email_text->empty())
        return respond(json_error(422, "invalid_email", "\"email\" is required"));
    const auto email = address_param(*email_text, "email", respond);
    if (!email) return;

    const auto organizer_text = text("organizer");
    if (!organizer_text) return;
    std::string organizer;
    if (organizer_text->empty()) {
        if (!admin(*key))
            return respond(json_error(
                403, "forbidden",
                "a suppression for every organizer needs an admin key; name the organizer: "
                "{\"email\": \"…\", \"organizer\": \"org@example.org\"}"));
    } else {
        const auto o = organizer_param(*key, *organizer_text, respond);
        if (!o) return;
        organizer = *o;
    }

    const auto reason_text = text("reason");
    if (!reason_text) return;
    const std::string reason = reason_text->empty() ? "blocked" : *reason_text;
    if (!known_reason(reason))
        return respond(json_error(422, "invalid_reason",
                                  "reason must be blocked (the default), unsubscribed, bounced "
                                  "or complained"));
    if (!admin(*key) && reason != "blocked" && reason != "unsubscribed")
        return respond(json_error(403, "forbidden",
                                  "bounces and complaints are recorded by CIS or an admin; "
                                  "use \"blocked\" or \"unsubscribed\""));

    const auto detail_text = text("detail");
    if (!detail_text) return;
    std::string detail;
    for (unsigned char c : *detail_text)
        if (c >= 0x20 && c != 0x7f) detail += static_cast<char>(c);
    if (detail.size() > kMaxDetail)
        return respond(json_error(422, "invalid_detail",
                                  fmt::format("\"detail\" is at most {} bytes", kMaxDetail)));

    commit_then_respond(
        ctx,
        [email = *email, organizer, reason, detail, key = *key](store::Tx& tx) {
            // An existing entry stands as it is (a bounce stays a bounce): 200, not 201.
            if (auto existing = tx.find_suppression(email, organizer)) {
                auto j = suppression_json(*existing, key);
                j["created"] = false;
                return json_response(200, j);
            }
            tx.put_suppression(email, organizer, reason, detail, std::time(nullptr));
            auto j = suppression_json(*tx.find_suppression(email, organizer), key);
            j["created"] = true;
            return json_response(201, j);
        },
        std::move(respond));
}

void remove_entry(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto email = address_param(p.at("email"), "email", respond);
    if (!email) return;
    std::string organizer;
    if (const auto o = query(req, "organizer"); !o.empty()) {
        const auto checked = organizer_param(*key, o, respond);
        if (!checked) return;
        organizer = *checked;
    } else if (!admin(*key)) {
        return respond(
            json_error(403, "forbidden",
                       "entries for every organizer are removed with an admin key; to remove an "
                       "organizer's entry, name it: ?organizer=org@example.org"));
    }
    commit_then_respond(
        ctx,
        [email = *email, organizer, key = *key](store::Tx& tx) {
            const auto existing = tx.find_suppression(email, organizer);
            if (!existing)
                return json_error(404, "suppression_not_found",
                                  organizer.empty()
                                      ? email + " is not suppressed for every organizer"
                                      : email + " is not suppressed for " + organizer);
            if (!removable_by(key, *existing))
                return json_error(
                    403, "forbidden",
                    existing->reason == "unsubscribed"
                        ? email + " unsubscribed from " + organizer +
                              " themselves; only an admin key lifts that, on their request"
                        : "only an admin key removes a suppression of reason " + existing->reason);
            tx.remove_suppression(email, organizer);
            return json_response(200, {{"removed", suppression_json(*existing, key)}});
        },
        std::move(respond));
}

}  // namespace

void add_suppression_routes(http::Router& router, ApiContext& ctx) {
    const auto bind = [&ctx](auto fn) {
        return [&ctx, fn](const Request& req, const Params& p, Respond respond) {
            fn(ctx, req, p, std::move(respond));
        };
    };
    router.add("GET", "/suppressions", bind(list_entries));
    router.add("POST", "/suppressions", bind(add_entry));
    router.add("DELETE", "/suppressions/{email}", bind(remove_entry));
}

}  // namespace cis::app
