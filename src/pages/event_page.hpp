#pragma once
// GET /p/{id}: a landing (one event), upcoming or schedule page as HTML, from values.
// Pure: the route reads the page and its events and hands them here. Every stored or
// query value is escaped; the markup ids and classes are the contract the browser tests
// and /assets/pages.js rely on (docs: issue 6 contract).
#include <string>
#include <vector>

#include "core/event.hpp"
#include "pages/filters.hpp"
#include "pages/layout.hpp"

namespace cis::pages {

struct PageView {
    std::string id;    // the page's id (URL-safe)
    std::string kind;  // landing / upcoming / schedule
    Branding branding;
    Assets assets;
    std::string feed_url, webcal_url;            // upcoming/schedule: the page's feed
    Filters filters;                             // schedule: the visitor's (already checked)
    const std::vector<Event>* events = nullptr;  // the page's events, in start order
};

Rendered render_event_page(const PageView& view);

}  // namespace cis::pages
