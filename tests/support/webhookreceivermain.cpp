// hookme-webhook-receiver: a webhook endpoint on loopback that prints every delivery, for
// trying hookme by hand and for demos. Answers 204 and runs until killed.
#include "webhookreceiver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonParseError>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

// Bodies up to this size are printed whole.
constexpr qsizetype printLimit = 64 * 1024;

int fail(const QString &message)
{
    QTextStream(stderr) << "hookme-webhook-receiver: " << message << Qt::endl;
    return 1;
}

// One line (time, path, size), then the body as it arrived if it is under 64 KiB: exactly
// the bytes sent (a JSON pretty-printer would reorder the keys).
void print(const WebhookReceiver::Delivery &delivery)
{
    QTextStream out(stdout);
    out << delivery.receivedAt.toString(Qt::ISODateWithMs) << ' ' << delivery.path << ' '
        << delivery.body.size() << " bytes" << Qt::endl;

    if (!delivery.body.isEmpty() && delivery.body.size() < printLimit)
        out << QString::fromUtf8(delivery.body) << Qt::endl;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"hookme-webhook-receiver"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"Receives webhook POSTs on 127.0.0.1, prints them and answers 204."_s);
    parser.addHelpOption();
    parser.addOption({ u"port"_s, u"Port to listen on (0: any free port)."_s, u"port"_s });
    parser.process(app);

    if (!parser.isSet(u"port"_s))
        return fail(u"--port is required"_s);
    bool ok = false;
    const int port = parser.value(u"port"_s).toInt(&ok);
    if (!ok || port < 0 || port > 65535)
        return fail(u"--port must be a number from 0 to 65535"_s);

    WebhookReceiver receiver;
    QObject::connect(&receiver, &WebhookReceiver::delivered, &receiver, [&receiver] {
        print(receiver.deliveries().constLast());
        receiver.clearDeliveries();  // runs for long; printed deliveries are not needed again
    });
    if (!receiver.listen(quint16(port)))
        return fail(receiver.errorString());

    QTextStream(stdout) << "webhook receiver listening on " << receiver.url().toString()
                        << Qt::endl;
    return app.exec();
}
