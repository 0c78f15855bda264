// "Add to Google Calendar / Outlook.com" links: UTC instants (dates for all-day events),
// every value percent-encoded so no text of the event can break out of its parameter.
#include <gtest/gtest.h>

#include "imip/calendar_links.hpp"

namespace cis::imip {
namespace {

Event game() {
    Event e;
    e.id = "ev";
    e.fields.summary = "Cup & final <b>#1</b>";
    e.fields.location = "Stade de France, Saint-Denis";
    e.fields.description = "Gates open 18:00\nBring a scarf";
    e.fields.start = CalTime{1901386800, "20300402T190000", false, false};  // 2030-04-02 19:00Z
    e.fields.end = CalTime{1901394000, "20300402T210000", false, false};
    e.fields.timezone = "Europe/Paris";
    return e;
}

TEST(CalendarLinks, GoogleTakesUtcInstantsAndEncodedText) {
    EXPECT_EQ(google_calendar_url(game()),
              "https://calendar.google.com/calendar/render?action=TEMPLATE&text=Cup%20%26%20final"
              "%20%3Cb%3E%231%3C%2Fb%3E&dates=20300402T190000Z%2F20300402T210000Z&details=Gates"
              "%20open%2018%3A00%0ABring%20a%20scarf&location=Stade%20de%20France%2C%20Saint-"
              "Denis&ctz=Europe%2FParis");
}

TEST(CalendarLinks, OutlookTakesIsoInstants) {
    const std::string url = outlook_calendar_url(game());
    EXPECT_NE(url.find("&subject=Cup%20%26%20final"), std::string::npos) << url;
    EXPECT_NE(
        url.find("&allday=false&startdt=2030-04-02T19%3A00%3A00Z&enddt=2030-04-02T21%3A00%3A00Z"),
        std::string::npos)
        << url;
}

TEST(CalendarLinks, AllDayEventsGoAsDatesAndAMissingEndIsADay) {
    Event e = game();
    e.fields.all_day = true;
    e.fields.start = CalTime{1901318400, "20300402", true, false};
    e.fields.end = CalTime{};
    EXPECT_NE(google_calendar_url(e).find("&dates=20300402%2F20300403"), std::string::npos);
    EXPECT_NE(outlook_calendar_url(e).find("&allday=true&startdt=2030-04-02&enddt=2030-04-03"),
              std::string::npos);
}

TEST(CalendarLinks, FloatingTimesGoWithoutAZoneSoTheVisitorsClockApplies) {
    Event e = game();
    e.fields.timezone.clear();
    e.fields.start.floating = e.fields.end.floating = true;
    EXPECT_NE(google_calendar_url(e).find("&dates=20300402T190000%2F20300402T210000&"),
              std::string::npos)
        << google_calendar_url(e);
    EXPECT_NE(outlook_calendar_url(e).find(
                  "&startdt=2030-04-02T19%3A00%3A00&enddt=2030-04-02T21%3A00%3A00"),
              std::string::npos)
        << outlook_calendar_url(e);
}

TEST(CalendarLinks, LongDescriptionsAreCutOnACharacterBoundary) {
    Event e = game();
    e.fields.description = std::string(999, 'a') + "é" + std::string(500, 'b');
    const std::string url = google_calendar_url(e);
    EXPECT_NE(url.find(std::string(999, 'a') + "%E2%80%A6&location"), std::string::npos);
}

}  // namespace
}  // namespace cis::imip
