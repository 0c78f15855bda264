#include "app/smtp_intake.hpp"

#include <fmt/format.h>

namespace cis::app {

smtp::Reply SmtpIntake::check_recipient(const std::string& rcpt) {
    if (pipeline_.route(rcpt)) return {250, "2.1.5", "recipient ok"};
    return {550, "5.1.1", fmt::format("<{}>: no such mailbox here", rcpt)};
}

void SmtpIntake::deliver(smtp::Envelope env, std::string message,
                         std::function<void(smtp::Reply)> done) {
    InboundEnvelope e{"smtp", std::move(env.mail_from), std::move(env.rcpts),
                      std::move(env.remote_address)};
    pipeline_.deliver(std::move(e), std::move(message), [done = std::move(done)](IntakeOutcome o) {
        switch (o.kind) {
            case IntakeOutcome::Kind::kDkimTemporary:
                return done({451, "4.7.5", "DKIM key lookup failed temporarily: " + o.dkim_reason});
            case IntakeOutcome::Kind::kStoreUnavailable:
                return done({451, "4.3.0", "temporary failure, please try again later"});
            case IntakeOutcome::Kind::kStored:
                break;
        }
        std::string ids;
        for (const auto& [rcpt, result] : o.stored)
            ids += (ids.empty() ? "" : ",") + std::to_string(result.inbound_id);
        done({250, "2.0.0", "stored as inbound " + ids});
    });
}

}  // namespace cis::app
