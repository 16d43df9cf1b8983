// hookme-webhook-receiver: a webhook endpoint on loopback that prints every delivery, for
// trying hookme by hand and for demos. Answers 204 and runs until killed.
#include "webhookreceiver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

constexpr qsizetype prettyPrintLimit = 64 * 1024;

int fail(const QString &message)
{
    QTextStream(stderr) << "hookme-webhook-receiver: " << message << Qt::endl;
    return 1;
}

// One line (time, path, size), then the body pretty-printed if it is JSON under 64 KiB.
void print(const WebhookReceiver::Delivery &delivery)
{
    QTextStream out(stdout);
    out << delivery.receivedAt.toString(Qt::ISODateWithMs) << ' ' << delivery.path << ' '
        << delivery.body.size() << " bytes" << Qt::endl;

    if (delivery.body.isEmpty() || delivery.body.size() >= prettyPrintLimit)
        return;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(delivery.body, &error);
    if (error.error != QJsonParseError::NoError)
        return;
    out << QString::fromUtf8(document.toJson(QJsonDocument::Indented)) << Qt::flush;
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
