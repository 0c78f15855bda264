// The domains whose every address may organise (`cis organizer allow-domain`), through
// the API: admin keys manage any; a domain key sees and manages its own domain only (it
// already manages every organizer there); organizer keys none.
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "core/address.hpp"
#include "core/time.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

nlohmann::json domain_json(const store::OrganizerDomain& d) {
    return {{"domain", d.domain}, {"created_at", rfc3339_utc(d.created_at)}};
}

// The key may manage this domain (else 403 answered).
bool manages(const store::ApiKey& key, const std::string& domain, const Respond& respond) {
    if (key.role == "admin" || (key.role == "domain" && key.domain == domain)) return true;
    respond(json_error(403, "forbidden",
                       key.role == "domain"
                           ? fmt::format("this domain key manages @{} only", key.domain)
                           : std::string("allowed organizer domains are managed by an admin key "
                                         "or the domain's own key")));
    return false;
}

// A domain name as the store keeps it (lower-case, IDN as given), or "" when it is none.
std::string normalized_domain(const std::string& text) {
    const std::string d = domain_part(normalize_address("x@" + text));
    return d.find('.') == std::string::npos ? std::string() : d;
}

void list(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    if (key->role == "organizer")
        return respond(json_error(403, "forbidden",
                                  "allowed organizer domains are listed to admin and domain keys"));
    std::vector<store::OrganizerDomain> all;
    ctx.store.read([&](store::Tx& tx) { all = tx.list_organizer_domains(); });
    auto items = nlohmann::json::array();
    for (const auto& d : all)
        if (key->role == "admin" || d.domain == key->domain) items.push_back(domain_json(d));
    respond(json_response(200, {{"domains", items}}));
}

void allow(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto body = json_body(req, respond, R"({"domain": "club.example"})");
    if (!body) return;
    const auto it = body->find("domain");
    const std::string domain =
        it != body->end() && it->is_string() ? normalized_domain(it->get<std::string>()) : "";
    if (domain.empty())
        return respond(json_error(422, "invalid_domain",
                                  "\"domain\" must be a domain name such as \"club.example\""));
    if (!manages(*key, domain, respond)) return;
    commit_then_respond(
        ctx,
        [domain](store::Tx& tx) {
            const bool existed = tx.organizer_domain_allowed(domain);
            if (!existed) tx.allow_organizer_domain(domain, std::time(nullptr));
            for (const auto& d : tx.list_organizer_domains())
                if (d.domain == domain) {
                    auto j = domain_json(d);
                    j["created"] = !existed;
                    return json_response(existed ? 200 : 201, j);
                }
            return json_error(500, "internal", "the domain was not stored");
        },
        std::move(respond));
}

void disallow(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const std::string domain = normalized_domain(p.at("domain"));
    if (domain.empty())
        return respond(json_error(422, "invalid_domain",
                                  fmt::format("\"{}\" is not a domain name", p.at("domain"))));
    if (!manages(*key, domain, respond)) return;
    commit_then_respond(
        ctx,
        [domain](store::Tx& tx) {
            if (!tx.remove_organizer_domain(domain))
                return json_error(404, "domain_not_allowed",
                                  "@" + domain + " is not an allowed organizer domain");
            return json_response(200, {{"removed", domain}});
        },
        std::move(respond));
}

}  // namespace

void add_organizer_domain_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/organizer-domains", api::bind(ctx, list));
    router.add("POST", "/organizer-domains", api::bind(ctx, allow));
    router.add("DELETE", "/organizer-domains/{domain}", api::bind(ctx, disallow));
}

}  // namespace cis::app
