#include "counterspanel.h"

#include "displaytext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;
using namespace hookme::monitor;

namespace hookme::monitorapp {

namespace {

QString number(qint64 value)
{
    return QLocale::c().toString(value);
}

} // namespace

CountersPanel::CountersPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    layout->setSpacing(10);

    m_active = addTile(u"active"_s, u"Active"_s, u"Scheduled, running and retrying tasks"_s,
                       u"#1f5fbf"_s);
    m_deduplicated = addTile(u"deduplicated"_s, u"Deduplicated"_s,
                             u"Requests folded into an unfinished task since the service"
                             " started"_s,
                             u"#6b4fa0"_s);
    m_throttled = addTile(u"throttled"_s, u"Throttled"_s,
                          u"Requests refused by RATE_LIMIT_MAX_SIMULTANEOUS_JOBS since the"
                          " service started"_s,
                          u"#b06000"_s);
    m_delivered = addTile(u"delivered"_s, u"Delivered"_s, u"Tasks delivered to the webhook"_s,
                          u"#1e7b34"_s);
    m_failed = addTile(u"failed"_s, u"Failed"_s, u"Tasks that gave up"_s, u"#c01c28"_s);

    m_quota = new QLabel(this);
    m_quota->setObjectName(u"quota"_s);
    m_quota->setTextFormat(Qt::RichText);
    m_quota->setToolTip(u"GitHub's rate limit, as its last answer to the service told it"_s);
    m_quota->hide();
    layout->addStretch(1);
    layout->addWidget(m_quota);
}

QLabel *CountersPanel::addTile(const QString &name, const QString &caption, const QString &tip,
                               const QString &color)
{
    auto *tile = new QWidget(this);
    tile->setToolTip(tip);
    auto *tileLayout = new QVBoxLayout(tile);
    tileLayout->setContentsMargins(10, 2, 10, 2);
    tileLayout->setSpacing(0);

    auto *value = new QLabel(u"-"_s, tile);
    value->setObjectName(name);
    QFont font = value->font();
    font.setPointSizeF(font.pointSizeF() * 1.8);
    font.setBold(true);
    value->setFont(font);
    value->setStyleSheet(u"color: %1;"_s.arg(color));
    value->setAlignment(Qt::AlignCenter);

    auto *label = new QLabel(caption, tile);
    label->setAlignment(Qt::AlignCenter);
    label->setStyleSheet(u"color: #555;"_s);

    tileLayout->addWidget(value);
    tileLayout->addWidget(label);
    static_cast<QHBoxLayout *>(layout())->addWidget(tile);
    return value;
}

void CountersPanel::setCounters(const Counters &counters)
{
    m_active->setText(number(counters.active));
    m_deduplicated->setText(number(counters.deduplicated));
    m_throttled->setText(number(counters.throttled));
    m_delivered->setText(number(counters.delivered));
    m_failed->setText(number(counters.failed));
}

void CountersPanel::setRateLimit(const std::optional<RateLimit> &rateLimit, qint64 nowMs)
{
    if (!rateLimit || (!rateLimit->remaining && !rateLimit->limit)) {
        m_quota->hide();
        return;
    }
    QString left = rateLimit->remaining ? number(*rateLimit->remaining) : u"?"_s;
    if (rateLimit->remaining && *rateLimit->remaining == 0)
        left = u"<span style='color:#c01c28'>0</span>"_s;
    QString text = u"<b>GitHub quota</b><br>%1 of %2 left"_s.arg(
            left, rateLimit->limit ? number(*rateLimit->limit) : u"?"_s);
    if (rateLimit->resetAtMs) {
        text += u"<br>resets %1 (%2)"_s.arg(clockText(*rateLimit->resetAtMs, nowMs),
                                            countdownText(*rateLimit->resetAtMs, nowMs));
    }
    m_quota->setText(text);
    m_quota->show();
}

QString CountersPanel::text(const QString &name) const
{
    const auto *label = findChild<QLabel *>(name);
    if (!label || (name == "quota"_L1 && label->isHidden()))
        return {};
    return label->text();
}

} // namespace hookme::monitorapp
