// GET /assets/{name}: the compiled-in stylesheet and scripts of the public pages. No key:
// they hold no data. Versioned URLs (asset_url) may be cached for a year; the ETag answers
// a revalidation of an unversioned one with 304.
#include <map>
#include <stdexcept>

#include "app/assets.hpp"
#include "services/ids.hpp"

namespace cis::app {

namespace {

struct Served {
    std::string_view bytes;
    std::string content_type, etag, url;
};

std::string content_type_of(std::string_view name) {
    if (name.ends_with(".css")) return "text/css; charset=utf-8";
    if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
    if (name.ends_with(".svg")) return "image/svg+xml";
    return "application/octet-stream";
}

const std::map<std::string, Served, std::less<>>& served() {
    static const auto table = [] {
        std::map<std::string, Served, std::less<>> t;
        for (const auto& [name, bytes] : asset_files()) {
            const std::string v = services::sha256_hex(bytes).substr(0, 10);
            t[std::string(name)] = Served{bytes, content_type_of(name), "\"" + v + "\"",
                                          "/assets/" + std::string(name) + "?v=" + v};
        }
        return t;
    }();
    return table;
}

}  // namespace

const std::string& asset_url(std::string_view name) {
    const auto it = served().find(name);
    if (it == served().end()) throw std::out_of_range("no compiled-in asset " + std::string(name));
    return it->second.url;
}

void add_asset_routes(http::Router& router) {
    router.add("GET", "/assets/{name}",
               [](const http::Request& req, const http::Router::Params& p, http::Respond respond) {
                   const auto it = served().find(p.at("name"));
                   if (it == served().end())
                       return respond(http::json_error(404, "not_found", "no such asset"));
                   http::Response r;
                   r.content_type = it->second.content_type;
                   const auto v = req.query.find("v");
                   const bool versioned =
                       v != req.query.end() && it->second.url.ends_with("?v=" + v->second);
                   r.headers = {{"ETag", it->second.etag},
                                {"Cache-Control", versioned ? "public, max-age=31536000, immutable"
                                                            : "public, max-age=300"},
                                {"X-Content-Type-Options", "nosniff"}};
                   if (http::etag_matches(req.header("If-None-Match"), it->second.etag)) {
                       r.status = 304;
                   } else {
                       r.body = std::string(it->second.bytes);
                   }
                   respond(std::move(r));
               });
}

}  // namespace cis::app
