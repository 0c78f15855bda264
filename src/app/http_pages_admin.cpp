// Page configurations through the API (SPEC §5, issue 6): POST /pages, GET /pages,
// GET, PATCH and DELETE /pages/{id}. A page is served publicly at <public_url>/p/{id}; its
// feed at /p/{id}/feed.ics (webcal:// for calendar subscriptions).
//
// Who may do what, as for organizers (http_organizers.cpp): admin keys every page, domain
// keys the pages of their domain's organizers, organizer keys their own organizer's (and
// "organizer" defaults to it). A page's organizer is fixed once created: its events, feed
// and allow-list all hang on it.
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "app/public_html.hpp"
#include "core/address.hpp"
#include "core/time.hpp"
#include "services/api_keys.hpp"
#include "services/page_settings.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

constexpr const char* kExample =
    R"({"kind": "schedule", "title": "Season 2027", "accent": "#1f6feb", "filter": "U12"})";

nlohmann::json page_json(const ApiContext& ctx, const store::Page& p) {
    const std::string url = ctx.public_url + "/p/" + p.id;
    return {{"id", p.id},
            {"organizer", p.organizer},
            {"kind", p.kind},
            {"event_id", p.event_id.empty() ? nlohmann::json() : nlohmann::json(p.event_id)},
            {"title", p.title},
            {"logo_url", p.logo_url},
            {"background_url", p.background_url},
            {"accent", p.accent},
            {"filter", p.filter},
            {"redirect_url", p.redirect_url},
            {"confirm", p.confirm},
            {"created_at", rfc3339_utc(p.created_at)},
            {"updated_at", rfc3339_utc(p.updated_at)},
            {"url", url},
            {"feed_url", url + "/feed.ics"},
            {"webcal_url", webcal_url(url + "/feed.ics")}};
}

http::Response refusal(const services::PageSettingsError& e) {
    return json_error(422, e.code, e.message);
}

http::Response not_found(const std::string& id) {
    return json_error(404, "page_not_found", "no page with id " + id);
}

http::Response not_covered(const store::ApiKey& key) {
    return json_error(
        403, "forbidden",
        key.role == "domain"
            ? fmt::format("this domain key manages the pages of organizers @{} only", key.domain)
            : "this organizer key manages the pages of " + key.organizer + " only");
}

void create(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto body = json_body(req, respond, kExample);
    if (!body) return;
    std::string organizer = key->role == "organizer" ? key->organizer : "";
    if (const auto it = body->find("organizer"); it != body->end() && !it->is_null()) {
        organizer = it->is_string() ? normalize_address(it->get<std::string>()) : "";
        if (organizer.empty())
            return respond(json_error(422, "invalid_organizer",
                                      "\"organizer\" must be the organizer's email address"));
    }
    if (organizer.empty())
        return respond(json_error(422, "invalid_organizer",
                                  "\"organizer\" is required with an admin or domain key: whose "
                                  "events the page shows"));
    if (!covers(*key, organizer, respond)) return;
    store::Page page;
    page.organizer = organizer;
    if (auto e = services::apply_page_fields(*body, page)) return respond(refusal(*e));
    commit_then_respond(
        ctx,
        [&ctx, page](store::Tx& tx) mutable {
            if (!tx.find_organizer(page.organizer))
                return json_error(404, "organizer_not_found",
                                  page.organizer + " is not a registered organizer");
            if (auto e = services::check_page_in_store(tx, page)) return refusal(*e);
            page.id = services::new_page_id();
            page.created_at = page.updated_at = std::time(nullptr);
            tx.insert_page(page);
            auto r = json_response(201, page_json(ctx, page));
            r.headers.emplace_back("Location", "/pages/" + page.id);
            return r;
        },
        std::move(respond));
}

void list(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto cursor = cursor_query(req, respond, "pages");
    if (!cursor) return;
    store::PageFilter f;
    f.after = cursor->after;
    f.limit = cursor->limit + 1;
    if (const auto o = query(req, "organizer"); !o.empty()) {
        f.organizer = normalize_address(o);
        if (f.organizer.empty())
            return respond(json_error(422, "invalid_organizer",
                                      fmt::format("organizer \"{}\" is not an email address", o)));
        if (!covers(*key, f.organizer, respond)) return;
    }
    if (key->role == "domain") f.domain = key->domain;
    if (key->role == "organizer") f.organizer = key->organizer;
    std::vector<store::Page> found;
    ctx.store.read([&](store::Tx& tx) { found = tx.list_pages(f); });
    respond(cursor_page_response(
        found, *cursor, "pages", [&ctx](const store::Page& p) { return page_json(ctx, p); },
        [](const store::Page& p) { return p.id; }));
}

void show(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    std::optional<store::Page> page;
    ctx.store.read([&](store::Tx& tx) { page = tx.find_page(p.at("id")); });
    if (!page) return respond(not_found(p.at("id")));
    if (!services::key_covers_organizer(*key, page->organizer)) return respond(not_covered(*key));
    respond(json_response(200, page_json(ctx, *page)));
}

void change(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto body = json_body(req, respond, kExample);
    if (!body) return;
    if (body->contains("organizer"))
        return respond(json_error(422, "invalid_organizer",
                                  "a page's organizer is fixed; create a page for the other "
                                  "organizer instead"));
    // The body is applied inside the transaction, to the page as it is then.
    commit_then_respond(
        ctx,
        [&ctx, id = p.at("id"), body = *body, key = *key](store::Tx& tx) {
            auto page = tx.find_page(id);
            if (!page) return not_found(id);
            if (!services::key_covers_organizer(key, page->organizer)) return not_covered(key);
            if (auto e = services::apply_page_fields(body, *page)) return refusal(*e);
            if (auto e = services::check_page_in_store(tx, *page)) return refusal(*e);
            page->updated_at = std::time(nullptr);
            tx.update_page(*page);
            return json_response(200, page_json(ctx, *page));
        },
        std::move(respond));
}

void remove(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    commit_then_respond(
        ctx,
        [&ctx, id = p.at("id"), key = *key](store::Tx& tx) {
            const auto page = tx.find_page(id);
            if (!page) return not_found(id);
            if (!services::key_covers_organizer(key, page->organizer)) return not_covered(key);
            tx.delete_page(id);
            return json_response(200, {{"removed", page_json(ctx, *page)}});
        },
        std::move(respond));
}

}  // namespace

void add_page_admin_routes(http::Router& router, ApiContext& ctx) {
    router.add("POST", "/pages", api::bind(ctx, create));
    router.add("GET", "/pages", api::bind(ctx, list));
    router.add("GET", "/pages/{id}", api::bind(ctx, show));
    router.add("PATCH", "/pages/{id}", api::bind(ctx, change));
    router.add("DELETE", "/pages/{id}", api::bind(ctx, remove));
}

}  // namespace cis::app
