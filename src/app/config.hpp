#pragma once
// Configuration: built-in defaults < cis.toml < CIS_* environment < command-line flags.
// Every key of cis.toml can be overridden as CIS_<SECTION>_<KEY> (CIS_<KEY> for the
// top-level ones), e.g. CIS_DOMAIN, CIS_INBOUND_REQUIRE_DKIM=false.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace cis::app {

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Config {
    // top level
    std::string domain = "localhost";
    std::string data_dir = "./data";
    // [smtp]
    std::string smtp_listen = "127.0.0.1:2525";
    std::string smtp_hostname;  // greeting name; defaults to the domain
    std::int64_t smtp_max_message_size = 25 * 1024 * 1024;
    std::int64_t smtp_max_connections = 200;
    std::int64_t smtp_idle_timeout = 300;  // seconds
    std::string smtp_tls_cert, smtp_tls_key;
    // [http]
    std::string http_listen = "127.0.0.1:8080";
    std::string public_url;  // defaults to http://<http.listen>
    bool http_compress = true;
    // [inbound]
    bool require_dkim = true;
    std::string dkim_key_file;  // keys from a file instead of DNS (tests, offline sites)
    bool accept_past_events = false;
    std::int64_t event_limit = 0;
    // [mailboxes]
    std::string mailbox_create = "create", mailbox_bulk = "bulk", mailbox_rsvp = "rsvp",
                mailbox_bounce = "bounce", mailbox_notification = "notification";
    // [outbound]
    std::string transport = "sandbox";  // sandbox or smtp
    std::string relay_host = "127.0.0.1";
    std::int64_t relay_port = 25;
    std::string relay_tls = "opportunistic";  // off, opportunistic, required
    std::string relay_ca_file;
    std::string relay_username, relay_password;
    std::int64_t relay_connections = 4;
    std::int64_t pace = 0;         // messages per second; 0 = no limit
    std::int64_t retry_base = 60;  // seconds before the first retry, doubling
    std::int64_t retry_max = 3600;
    std::int64_t give_up_after = 259200;  // seconds: a temporary failure becomes permanent
    std::int64_t lease = 300;             // seconds a worker holds a job before others may take it
    std::int64_t workers = 2;             // delivery threads (lease, render, sign, send)
    bool approval = false;                // updates and cancels wait for approval through the API
    bool dkim_sign = false;
    std::string dkim_selector = "cis";
    std::string dkim_sign_key;  // PEM private key for outbound signatures
    // [pages]: the public pages and CTA links (issue 6)
    std::int64_t pages_ip_limit = 30;  // sends per IP address per ip_window; 0 = no limit
    std::int64_t pages_ip_window = 600;
    std::int64_t pages_recipient_limit = 5;  // sends to one address per recipient_window
    std::int64_t pages_recipient_window = 3600;
    std::int64_t pages_max_selection = 100;  // events one send may ask for
    std::string pages_client_ip_header;      // e.g. X-Forwarded-For behind a reverse proxy
    // [log]
    std::string log_level = "info";

    std::string database_path() const;
    std::string effective_public_url() const;
};

// One documented key: its section ("" for top level), name and where it lives.
struct ConfigKey {
    std::string section, name, help;
    std::string env_name() const;  // CIS_SECTION_NAME
};
std::vector<ConfigKey> config_keys();

// Loads `path` (when non-empty; it must exist) then the environment.
Config load_config(const std::string& path, const std::map<std::string, std::string>& env);
std::map<std::string, std::string> process_environment();
// Sets one key from text ("true", "25", "example.org"); throws ConfigError.
void set_key(Config& c, const std::string& section, const std::string& name,
             const std::string& value);
// The effective configuration as TOML, for `cis config show`.
std::string to_toml(const Config& c);

}  // namespace cis::app
