// Operator commands over the store: organizers, events, the inbound log, the outbox.
#include <fmt/format.h>

#include <ctime>
#include <iostream>

#include "app/commands.hpp"
#include "app/runtime.hpp"
#include "core/address.hpp"
#include "services/ids.hpp"
#include "services/json_views.hpp"

namespace cis::app {

namespace {

std::string valid_address(const std::string& raw) {
    const std::string a = normalize_address(raw);
    if (a.empty()) throw ConfigError(fmt::format("\"{}\" is not an email address", raw));
    return a;
}

void print_json(const nlohmann::json& j) {
    std::cout << j.dump(2) << "\n";
}

std::int64_t parse_id(const std::string& text) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used == text.size() && v > 0) return v;
    } catch (const std::exception&) {
    }
    throw ConfigError(fmt::format("\"{}\" is not an inbound id (a positive number)", text));
}

}  // namespace

int cmd_migrate(const Config& c) {
    auto store = open_store(c);
    std::cout << "schema version " << store->schema_version() << " at " << c.database_path()
              << "\n";
    return 0;
}

int cmd_config_show(const Config& c) {
    std::cout << to_toml(c);
    return 0;
}

int cmd_organizer_add(const Config& c, const OrganizerArgs& a) {
    store::Organizer o;
    o.email = valid_address(a.email);
    o.name = a.name;
    o.trust = a.trust;
    o.secret = a.generate_secret ? services::random_token(18) : a.secret;
    o.event_limit = a.event_limit;
    o.created_at = std::time(nullptr);
    if ((o.trust == "secret" || o.trust == "both") && o.secret.empty())
        throw ConfigError("--trust " + o.trust + " needs --secret or --generate-secret");
    auto store = open_store(c);
    store->write([&](store::Tx& tx) {
        if (auto old = tx.find_organizer(o.email)) {
            o.created_at = old->created_at;
            if (a.name.empty()) o.name = old->name;
            if (o.secret.empty()) o.secret = old->secret;
        }
        tx.put_organizer(o);
    });
    std::cout << "organizer " << o.email << " registered\n";
    if (!o.secret.empty() && (a.generate_secret || !a.secret.empty()))
        std::cout << "secret address: " << c.mailbox_create << "+" << o.secret << "@" << c.domain
                  << "\n";
    return 0;
}

int cmd_organizer_list(const Config& c, const OrganizerArgs& a) {
    auto store = open_store(c);
    std::vector<store::Organizer> list;
    store->read([&](store::Tx& tx) { list = tx.list_organizers(); });
    if (a.json) {
        auto j = nlohmann::json::array();
        for (const auto& o : list) j.push_back(services::organizer_json(o));
        print_json({{"organizers", j}});
        return 0;
    }
    for (const auto& o : list)
        std::cout << fmt::format("{:<40} {:<24} trust={}\n", o.email, o.name, o.trust);
    if (list.empty()) std::cout << "no organizers; add one with: cis organizer add EMAIL\n";
    return 0;
}

int cmd_organizer_remove(const Config& c, const OrganizerArgs& a) {
    const std::string email = valid_address(a.email);
    auto store = open_store(c);
    bool removed = false;
    store->write([&](store::Tx& tx) { removed = tx.remove_organizer(email); });
    if (!removed) {
        std::cerr << "cis: " << email << " is not a registered organizer\n";
        return 1;
    }
    std::cout << "organizer " << email << " removed (their events are kept)\n";
    return 0;
}

int cmd_organizer_allow_domain(const Config& c, const std::string& domain) {
    const std::string d = domain_part(valid_address("x@" + domain));
    auto store = open_store(c);
    store->write([&](store::Tx& tx) { tx.allow_organizer_domain(d, std::time(nullptr)); });
    std::cout << "every address @" << d << " may now organise\n";
    return 0;
}

int cmd_event_list(const Config& c, const ListArgs& a) {
    auto store = open_store(c);
    std::vector<Event> events;
    store::EventFilter f;
    f.organizer = a.organizer.empty() ? "" : valid_address(a.organizer);
    f.limit = a.limit;
    store->read([&](store::Tx& tx) { events = tx.list_events(f); });
    if (a.json) {
        auto j = nlohmann::json::array();
        for (const auto& e : events) j.push_back(services::event_json(e));
        print_json({{"events", j}});
        return 0;
    }
    for (const auto& e : events)
        std::cout << fmt::format("{}  {:<9} {:<26} {:<28} {}\n", e.id, to_string(e.fields.status),
                                 to_rfc3339(e.fields.start), e.organizer, e.fields.summary);
    if (events.empty()) std::cout << "no events\n";
    return 0;
}

int cmd_event_show(const Config& c, const ListArgs& a) {
    auto store = open_store(c);
    std::optional<Event> e;
    store->read([&](store::Tx& tx) { e = tx.find_event_by_id(a.id); });
    if (!e) {
        std::cerr << "cis: no event with id " << a.id << "\n";
        return 1;
    }
    const auto j = services::event_json(*e);
    if (a.json) {
        print_json(j);
        return 0;
    }
    for (const auto& [k, v] : j.items())
        std::cout << fmt::format("{:<19} {}\n", k, v.is_string() ? v.get<std::string>() : v.dump());
    return 0;
}

int cmd_inbound_list(const Config& c, const ListArgs& a) {
    auto store = open_store(c);
    std::vector<store::InboundRecord> list;
    store->read([&](store::Tx& tx) {
        list = tx.list_inbound(store::InboundFilter{a.status, a.limit});
    });
    if (a.json) {
        auto j = nlohmann::json::array();
        for (const auto& r : list) j.push_back(services::inbound_json(r));
        print_json({{"inbound", j}});
        return 0;
    }
    for (const auto& r : list)
        std::cout << fmt::format("{:>6}  {}  {:<8} {:<12} {:<30} {}\n", r.id,
                                 rfc3339_utc(r.received_at), r.mailbox, r.status, r.from_address,
                                 r.reason);
    if (list.empty()) std::cout << "no inbound messages\n";
    return 0;
}

int cmd_inbound_show(const Config& c, const ListArgs& a) {
    const std::int64_t id = parse_id(a.id);
    auto store = open_store(c);
    std::optional<store::InboundRecord> r;
    std::optional<std::string> raw;
    store->read([&](store::Tx& tx) {
        r = tx.find_inbound(id);
        if (a.raw) raw = tx.inbound_raw(id);
    });
    if (!r) {
        std::cerr << "cis: no inbound message " << id << "\n";
        return 1;
    }
    if (a.raw) {
        std::cout << *raw;
        return 0;
    }
    const auto j = services::inbound_json(*r);
    if (a.json) {
        print_json(j);
        return 0;
    }
    for (const auto& [k, v] : j.items())
        std::cout << fmt::format("{:<13} {}\n", k, v.is_string() ? v.get<std::string>() : v.dump());
    return 0;
}

int cmd_outbox_list(const Config& c, const ListArgs& a) {
    auto store = open_store(c);
    std::vector<store::OutboxMessage> list;
    store->read([&](store::Tx& tx) { list = tx.list_outbox(a.limit); });
    if (a.json) {
        auto j = nlohmann::json::array();
        for (const auto& m : list) j.push_back(services::outbox_json(m, true));
        print_json({{"outbox", j}});
        return 0;
    }
    for (const auto& m : list)
        std::cout << fmt::format("{:>6}  {:<12} {:<8} {}\n", m.id, m.kind, m.state, m.rcpt);
    if (list.empty()) std::cout << "the outbox is empty\n";
    return 0;
}

}  // namespace cis::app
