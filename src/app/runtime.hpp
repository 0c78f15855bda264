#pragma once
// Wiring shared by the commands: the store, the intake policy and the DKIM verifier
// built from one Config.
#include <memory>

#include "app/config.hpp"
#include "dkim/dkim.hpp"
#include "services/installation.hpp"
#include "services/intake.hpp"
#include "store/store.hpp"

namespace cis::app {

// Opens (creating the data directory if needed) and migrates the database.
std::unique_ptr<store::Store> open_store(const Config& c);
services::MailboxNames mailbox_names(const Config& c);
services::IntakePolicy intake_policy(const Config& c, const services::InstallationKeys& keys);
std::unique_ptr<dkim::Verifier> make_verifier(const Config& c);
void setup_logging(const Config& c);

}  // namespace cis::app
