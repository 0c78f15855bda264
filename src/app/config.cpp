#include "app/config.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <functional>
#include <variant>

extern char** environ;

namespace cis::app {

namespace {

using Field = std::variant<std::string Config::*, std::int64_t Config::*, bool Config::*>;

struct Binding {
    const char* section;
    const char* name;
    Field field;
    const char* help;
};

const std::vector<Binding>& bindings() {
    static const std::vector<Binding> list = {
        {"", "domain", &Config::domain, "the mail domain of this installation (create@<domain>)"},
        {"", "data_dir", &Config::data_dir, "where the database and keys live"},
        {"smtp", "listen", &Config::smtp_listen, "HOST:PORT of the inbound SMTP listener"},
        {"smtp", "hostname", &Config::smtp_hostname, "name in the SMTP greeting (default: domain)"},
        {"smtp", "max_message_size", &Config::smtp_max_message_size, "bytes; larger mail gets 552"},
        {"smtp", "max_connections", &Config::smtp_max_connections, "concurrent SMTP sessions"},
        {"smtp", "idle_timeout", &Config::smtp_idle_timeout,
         "seconds before an idle session is closed"},
        {"smtp", "tls_cert", &Config::smtp_tls_cert, "PEM certificate for STARTTLS"},
        {"smtp", "tls_key", &Config::smtp_tls_key, "PEM private key for STARTTLS"},
        {"http", "listen", &Config::http_listen, "HOST:PORT of the HTTP API"},
        {"http", "public_url", &Config::public_url,
         "base URL used in links (default http://<listen>)"},
        {"http", "compress", &Config::http_compress,
         "gzip answers of 1 KiB and more to clients that accept it (off behind a proxy that does)"},
        {"inbound", "require_dkim", &Config::require_dkim,
         "organizers must send DKIM-aligned mail"},
        {"inbound", "dkim_key_file", &Config::dkim_key_file,
         "DKIM keys from this file instead of DNS"},
        {"inbound", "accept_past_events", &Config::accept_past_events,
         "also create events that are over"},
        {"inbound", "event_limit", &Config::event_limit,
         "upcoming events per organizer (0 = no limit)"},
        {"mailboxes", "create", &Config::mailbox_create, "local part for organizers' invitations"},
        {"mailboxes", "bulk", &Config::mailbox_bulk, "local part for CSV lists"},
        {"mailboxes", "rsvp", &Config::mailbox_rsvp, "local part for replies (and the ORGANIZER)"},
        {"mailboxes", "bounce", &Config::mailbox_bounce, "local part for bounces (VERP)"},
        {"mailboxes", "notification", &Config::mailbox_notification, "From: of notifications"},
        {"outbound", "transport", &Config::transport,
         "sandbox (captured, the default) or smtp (a relay)"},
        {"outbound", "relay_host", &Config::relay_host, "SMTP relay host (Postfix, SES, an ESP)"},
        {"outbound", "relay_port", &Config::relay_port, "SMTP relay port"},
        {"outbound", "relay_tls", &Config::relay_tls, "STARTTLS: off, opportunistic or required"},
        {"outbound", "relay_ca_file", &Config::relay_ca_file,
         "CA bundle to verify the relay (default: system)"},
        {"outbound", "relay_username", &Config::relay_username, "AUTH user at the relay"},
        {"outbound", "relay_password", &Config::relay_password,
         "AUTH password (prefer CIS_OUTBOUND_RELAY_PASSWORD)"},
        {"outbound", "relay_connections", &Config::relay_connections,
         "parallel connections to the relay"},
        {"outbound", "pace", &Config::pace,
         "messages per second at most (0 = no limit; e.g. SES quota)"},
        {"outbound", "retry_base", &Config::retry_base,
         "seconds before the first retry; doubles each time"},
        {"outbound", "retry_max", &Config::retry_max, "longest wait between retries, seconds"},
        {"outbound", "give_up_after", &Config::give_up_after,
         "seconds after which a temporary failure is final"},
        {"outbound", "lease", &Config::lease,
         "seconds a worker holds a job; a stopped worker's jobs are taken over after it"},
        {"outbound", "approval", &Config::approval,
         "updates and cancellations wait for approval (POST /changes/{id}/approve)"},
        {"outbound", "workers", &Config::workers,
         "delivery threads: each leases, renders, signs and sends a batch"},
        {"outbound", "dkim_sign", &Config::dkim_sign, "sign outgoing mail with DKIM"},
        {"outbound", "dkim_selector", &Config::dkim_selector, "DKIM selector (s=)"},
        {"outbound", "dkim_key", &Config::dkim_sign_key,
         "PEM private key file for DKIM signing: RSA (rsa-sha256) or Ed25519 (ed25519-sha256)"},
        {"pages", "ip_limit", &Config::pages_ip_limit,
         "sends from public pages and CTA links per IP address per ip_window (0 = no limit)"},
        {"pages", "ip_window", &Config::pages_ip_window, "seconds of the per-IP limit"},
        {"pages", "recipient_limit", &Config::pages_recipient_limit,
         "sends to one email address per recipient_window (0 = no limit)"},
        {"pages", "recipient_window", &Config::pages_recipient_window,
         "seconds of the per-recipient limit"},
        {"pages", "max_selection", &Config::pages_max_selection,
         "events one send from a page may ask for"},
        {"pages", "client_ip_header", &Config::pages_client_ip_header,
         "behind a reverse proxy: the header naming the client (its last address counts)"},
        {"log", "level", &Config::log_level, "trace, debug, info, warn, error"},
    };
    return list;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\';
        out += ch;
    }
    return out + "\"";
}

std::string key_label(const Binding& b) {
    return *b.section ? fmt::format("[{}] {}", b.section, b.name) : std::string(b.name);
}

void assign(Config& c, const Binding& b, const std::string& value) {
    std::visit(
        [&](auto member) {
            using T = std::remove_reference_t<decltype(c.*member)>;
            if constexpr (std::is_same_v<T, std::string>) {
                c.*member = value;
            } else if constexpr (std::is_same_v<T, bool>) {
                const std::string v = upper(value);
                if (v == "TRUE" || v == "1" || v == "YES" || v == "ON")
                    c.*member = true;
                else if (v == "FALSE" || v == "0" || v == "NO" || v == "OFF")
                    c.*member = false;
                else
                    throw ConfigError(
                        fmt::format("{} must be true or false, not \"{}\"", key_label(b), value));
            } else {
                std::int64_t n = 0;
                auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
                if (ec != std::errc() || end != value.data() + value.size() || n < 0)
                    throw ConfigError(fmt::format("{} must be a whole number ≥ 0, not \"{}\"",
                                                  key_label(b), value));
                c.*member = n;
            }
        },
        b.field);
}

std::string value_text(const Config& c, const Binding& b) {
    return std::visit(
        [&](auto member) -> std::string {
            using T = std::remove_cvref_t<decltype(c.*member)>;
            if constexpr (std::is_same_v<T, std::string>)
                return toml_string(c.*member);
            else if constexpr (std::is_same_v<T, bool>)
                return c.*member ? "true" : "false";
            else
                return std::to_string(c.*member);
        },
        b.field);
}

std::string node_text(const toml::node& node, const Binding& b, const std::string& path) {
    if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
    if (node.is_boolean()) return *node.value<bool>() ? "true" : "false";
    if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
    throw ConfigError(fmt::format("{}: {} has an unsupported value type", path, key_label(b)));
}

void load_file(Config& c, const std::string& path) {
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        throw ConfigError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                      e.source().begin.column, e.description()));
    }
    for (auto&& [key, node] : root) {
        const std::string k(key.str());
        if (node.is_table()) {
            for (auto&& [sub, subnode] : *node.as_table()) {
                const std::string s(sub.str());
                auto it = std::find_if(bindings().begin(), bindings().end(), [&](const Binding& b) {
                    return b.section == k && b.name == s;
                });
                if (it == bindings().end())
                    throw ConfigError(fmt::format("{}: unknown key [{}] {}", path, k, s));
                assign(c, *it, node_text(subnode, *it, path));
            }
            continue;
        }
        auto it = std::find_if(bindings().begin(), bindings().end(),
                               [&](const Binding& b) { return !*b.section && b.name == k; });
        if (it == bindings().end()) throw ConfigError(fmt::format("{}: unknown key {}", path, k));
        assign(c, *it, node_text(node, *it, path));
    }
}

std::string env_of(const Binding& b) {
    return *b.section ? upper(fmt::format("CIS_{}_{}", b.section, b.name))
                      : upper(fmt::format("CIS_{}", b.name));
}

}  // namespace

std::string ConfigKey::env_name() const {
    return section.empty() ? upper("CIS_" + name) : upper("CIS_" + section + "_" + name);
}

std::vector<ConfigKey> config_keys() {
    std::vector<ConfigKey> out;
    for (const auto& b : bindings()) out.push_back(ConfigKey{b.section, b.name, b.help});
    return out;
}

std::string Config::database_path() const {
    return (std::filesystem::path(data_dir) / "cis.sqlite3").string();
}

std::string Config::effective_public_url() const {
    if (!public_url.empty())
        return public_url.ends_with('/') ? public_url.substr(0, public_url.size() - 1) : public_url;
    return "http://" + http_listen;
}

void set_key(Config& c, const std::string& section, const std::string& name,
             const std::string& value) {
    for (const auto& b : bindings())
        if (b.section == section && b.name == name) return assign(c, b, value);
    throw ConfigError(fmt::format("unknown configuration key {}{}",
                                  section.empty() ? "" : "[" + section + "] ", name));
}

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv(*e);
        const auto eq = kv.find('=');
        if (eq != std::string::npos && kv.starts_with("CIS_"))
            env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return env;
}

Config load_config(const std::string& path, const std::map<std::string, std::string>& env) {
    Config c;
    if (!path.empty()) {
        if (!std::filesystem::exists(path))
            throw ConfigError(fmt::format("configuration file {} does not exist", path));
        load_file(c, path);
    }
    for (const auto& b : bindings())
        if (auto it = env.find(env_of(b)); it != env.end()) {
            try {
                assign(c, b, it->second);
            } catch (const ConfigError& e) {
                throw ConfigError(fmt::format("environment {}: {}", it->first, e.what()));
            }
        }
    return c;
}

std::string to_toml(const Config& c) {
    std::string out, section = "";
    for (const auto& b : bindings()) {
        if (b.section != section) {
            section = b.section;
            out += fmt::format("\n[{}]\n", section);
        }
        out += fmt::format("{} = {}  # {}\n", b.name, value_text(c, b), b.help);
    }
    return out;
}

}  // namespace cis::app
