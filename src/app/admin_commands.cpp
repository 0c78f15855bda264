// Operator commands over the store: organizers, events, the inbound log, the outbox.
#include <fmt/format.h>

#include <ctime>
#include <iostream>

#include "app/commands.hpp"
#include "app/runtime.hpp"
#include "core/address.hpp"
#include "services/ids.hpp"
#include "services/json_views.hpp"
#include "services/organizers.hpp"

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

// A listing: {"<key>": [...]} with --json, else one line per item (or `empty` when none).
template <typename T, typename ToJson, typename ToLine>
int print_list(const std::vector<T>& items, bool json, const char* key, ToJson to_json,
               ToLine to_line, const char* empty) {
    if (json) {
        auto list = nlohmann::json::array();
        for (const auto& item : items) list.push_back(to_json(item));
        print_json({{key, list}});
        return 0;
    }
    for (const auto& item : items) std::cout << to_line(item) << "\n";
    if (items.empty()) std::cout << empty << "\n";
    return 0;
}

// One object: as JSON, or "key value" lines.
int print_object(const nlohmann::json& j, bool json) {
    if (json) {
        print_json(j);
        return 0;
    }
    for (const auto& [k, v] : j.items())
        std::cout << fmt::format("{:<19} {}\n", k, v.is_string() ? v.get<std::string>() : v.dump());
    return 0;
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
    o.secret = a.generate_secret ? services::new_organizer_secret() : a.secret;
    o.event_limit = a.event_limit;
    o.created_at = std::time(nullptr);
    auto store = open_store(c);
    store->write([&](store::Tx& tx) {
        if (auto old = tx.find_organizer(o.email)) {
            o.created_at = old->created_at;
            if (a.name.empty()) o.name = old->name;
            if (o.secret.empty()) o.secret = old->secret;
        }
        if (const auto problem = services::organizer_problem(o); !problem.empty())
            throw ConfigError(problem + " (--secret or --generate-secret)");
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
    return print_list(
        list, a.json, "organizers", services::organizer_json,
        [](const store::Organizer& o) {
            return fmt::format("{:<40} {:<24} trust={}", o.email, o.name, o.trust);
        },
        "no organizers; add one with: cis organizer add EMAIL");
}

int cmd_organizer_remove(const Config& c, const OrganizerArgs& a) {
    const std::string email = valid_address(a.email);
    auto store = open_store(c);
    services::OrganizerRemoval r;
    store->write([&](store::Tx& tx) {
        r = services::remove_organizer(tx, email, true, std::time(nullptr));
    });
    if (!r.found) {
        std::cerr << "cis: " << email << " is not a registered organizer\n";
        return 1;
    }
    std::cout << fmt::format("organizer {} removed (their {} events are kept; {} keys revoked)\n",
                             email, r.events, r.revoked_keys.size());
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
    return print_list(
        events, a.json, "events", services::event_json,
        [](const Event& e) {
            return fmt::format("{}  {:<9} {:<26} {:<28} {}", e.id, to_string(e.fields.status),
                               to_rfc3339(e.fields.start), e.organizer, e.fields.summary);
        },
        "no events");
}

int cmd_event_show(const Config& c, const ListArgs& a) {
    auto store = open_store(c);
    std::optional<Event> e;
    store->read([&](store::Tx& tx) { e = tx.find_event_by_id(a.id); });
    if (!e) {
        std::cerr << "cis: no event with id " << a.id << "\n";
        return 1;
    }
    return print_object(services::event_json(*e), a.json);
}

int cmd_inbound_list(const Config& c, const ListArgs& a) {
    auto store = open_store(c);
    std::vector<store::InboundRecord> list;
    store->read([&](store::Tx& tx) {
        list = tx.list_inbound(store::InboundFilter{a.status, a.limit});
    });
    return print_list(
        list, a.json, "inbound", services::inbound_json,
        [](const store::InboundRecord& r) {
            return fmt::format("{:>6}  {}  {:<8} {:<12} {:<30} {}", r.id,
                               rfc3339_utc(r.received_at), r.mailbox, r.status, r.from_address,
                               r.reason);
        },
        "no inbound messages");
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
    return print_object(services::inbound_json(*r), a.json);
}

int cmd_outbox_list(const Config& c, const ListArgs& a) {
    auto store = open_store(c);
    std::vector<store::OutboxMessage> list;
    store->read([&](store::Tx& tx) { list = tx.list_outbox(a.limit); });
    return print_list(
        list, a.json, "outbox",
        [](const store::OutboxMessage& m) { return services::outbox_json(m, true); },
        [](const store::OutboxMessage& m) {
            return fmt::format("{:>6}  {:<12} {:<8} {}", m.id, m.kind, m.state, m.rcpt);
        },
        "the outbox is empty");
}

}  // namespace cis::app
