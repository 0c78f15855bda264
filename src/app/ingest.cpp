// `cis ingest`: one message on stdin, for Postfix's pipe(8) or Exim's pipe transport.
// The exit status is a sysexits(3) code, which those MTAs act on.
#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <iterator>

#include "app/commands.hpp"
#include "app/runtime.hpp"
#include "services/intake_writer.hpp"

namespace cis::app {

namespace {
constexpr int kExOk = 0, kExDataErr = 65, kExNoUser = 67, kExTempFail = 75;
}

int cmd_ingest(const Config& c, const IngestArgs& a) {
    const auto route = services::route_recipient(a.rcpt, c.domain, mailbox_names(c));
    if (!route) {
        std::cerr << fmt::format("cis ingest: {} is not a mailbox of {} (550 5.1.1)\n", a.rcpt,
                                 c.domain);
        return kExNoUser;
    }
    try {
        std::string raw((std::istreambuf_iterator<char>(std::cin)),
                        std::istreambuf_iterator<char>());
        if (raw.empty()) {
            std::cerr << "cis ingest: the message on stdin is empty\n";
            return kExDataErr;
        }
        if (static_cast<std::int64_t>(raw.size()) > c.smtp_max_message_size) {
            std::cerr << fmt::format("cis ingest: the message is {} bytes, over the limit of {}\n",
                                     raw.size(), c.smtp_max_message_size);
            return kExDataErr;
        }
        auto store = open_store(c);
        auto verifier = make_verifier(c);
        services::Delivery d{"ingest", a.sender, a.rcpt, "", std::move(raw), std::time(nullptr)};
        const auto policy = intake_policy(c, services::load_installation_keys(c.data_dir));
        const auto prepared =
            services::prepare(std::move(d), *route, *verifier, [&](const std::string& sender) {
                return services::sender_needs_dkim(*store, policy, sender);
            });
        if (prepared.dkim_temporary) {
            std::cerr << "cis ingest: try again later: " << prepared.dkim_reason << "\n";
            return kExTempFail;
        }
        const auto result = services::process_now(*store, prepared, policy, std::time(nullptr));
        std::cout << fmt::format("inbound {}: {} — {}\n", result.inbound_id, result.status,
                                 result.reason);
        return result.bad_message ? kExDataErr : kExOk;
    } catch (const std::exception& e) {
        std::cerr << "cis ingest: try again later: " << e.what() << "\n";
        return kExTempFail;
    }
}

}  // namespace cis::app
