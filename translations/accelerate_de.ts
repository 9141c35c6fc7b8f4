<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>accel::ui::AboutDialog</name>
    <message>
        <source>About Accelerate Console</source>
        <translation>Über Accelerate Console</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Accelerate Console %1&lt;/h3&gt;&lt;p&gt;Operator console for AI models on browser compute (WebGPU, WebNN, Wasm) and for distributed test fleets.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Accelerate Console %1&lt;/h3&gt;&lt;p&gt;Betriebskonsole für KI-Modelle auf Browser-Rechenleistung (WebGPU, WebNN, Wasm) und für verteilte Testflotten.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>accel::ui::CircuitTimelineWidget</name>
    <message>
        <source>%1: %2 for %3 s</source>
        <translation>%1: %2 für %3 s</translation>
    </message>
    <message>
        <source> (current)</source>
        <translation> (aktuell)</translation>
    </message>
    <message>
        <source>Reason: %1</source>
        <translation>Grund: %1</translation>
    </message>
    <message>
        <source>No hosts yet</source>
        <translation>Noch keine Hosts</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>-%1 s</source>
        <translation>-%1 s</translation>
    </message>
</context>
<context>
    <name>accel::ui::ConsoleRuntime</name>
    <message>
        <source>Metrics store unavailable: %1</source>
        <translation>Metrikspeicher nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Runtime server did not start: %1</source>
        <translation>Laufzeitserver konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>Coordinator token unavailable: %1</source>
        <translation>Koordinator-Token nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Coordinator store unavailable: %1</source>
        <translation>Koordinator-Speicher nicht verfügbar: %1</translation>
    </message>
    <message>
        <source>Coordinator did not start: %1</source>
        <translation>Koordinator konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;In-process coordinator&lt;/b&gt; at %1 (SQLite store, loopback only).&lt;br&gt;Local worker &lt;b&gt;%2&lt;/b&gt; connected; command tasks %3.&lt;br&gt;Submit suites with: &lt;code&gt;accelctl --coordinator %1 --token-file %4 submit suite.json --wait&lt;/code&gt;</source>
        <translation>&lt;b&gt;Prozessinterner Koordinator&lt;/b&gt; unter %1 (SQLite-Speicher, nur Loopback).&lt;br&gt;Lokaler Worker &lt;b&gt;%2&lt;/b&gt; verbunden; Befehlsaufgaben %3.&lt;br&gt;Suites einreichen mit: &lt;code&gt;accelctl --coordinator %1 --token-file %4 submit suite.json --wait&lt;/code&gt;</translation>
    </message>
    <message>
        <source>allowed</source>
        <translation>erlaubt</translation>
    </message>
    <message>
        <source>not allowed (start with --allow-commands)</source>
        <translation>nicht erlaubt (mit --allow-commands starten)</translation>
    </message>
</context>
<context>
    <name>accel::ui::DashboardWidget</name>
    <message>
        <source>Hosts</source>
        <translation>Hosts</translation>
    </message>
    <message>
        <source>Health samples</source>
        <translation>Gesundheitsmessungen</translation>
    </message>
    <message>
        <source>Breaker timeline</source>
        <translation>Schutzschalter-Zeitleiste</translation>
    </message>
    <message>
        <source>Circuit state per host (hover for the reason of each transition)</source>
        <translation>Schutzschalterzustand je Host (für den Grund eines Wechsels mit der Maus darauf zeigen)</translation>
    </message>
</context>
<context>
    <name>accel::ui::EmbeddedHost</name>
    <message>
        <source>Restart host</source>
        <translation>Host neu starten</translation>
    </message>
    <message>
        <source>Discard this host&apos;s page and renderer and load it again</source>
        <translation>Seite und Renderer dieses Hosts verwerfen und neu laden</translation>
    </message>
</context>
<context>
    <name>accel::ui::HealthChartView</name>
    <message>
        <source>Host health</source>
        <translation>Host-Gesundheit</translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation>Sekunden seit Start</translation>
    </message>
    <message>
        <source>health score</source>
        <translation>Gesundheitswert</translation>
    </message>
</context>
<context>
    <name>accel::ui::HistoryView</name>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Export CSV...</source>
        <translation>CSV exportieren...</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Browser</source>
        <translation>Browser</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Trend</source>
        <translation>Trend</translation>
    </message>
    <message>
        <source>Change point</source>
        <translation>Änderungspunkt</translation>
    </message>
    <message>
        <source>Anomaly</source>
        <translation>Anomalie</translation>
    </message>
    <message>
        <source>Forecast</source>
        <translation>Prognose</translation>
    </message>
    <message>
        <source>95% interval</source>
        <translation>95-%-Intervall</translation>
    </message>
    <message>
        <source>Chart</source>
        <translation>Diagramm</translation>
    </message>
    <message>
        <source>Regressions</source>
        <translation>Regressionen</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Browser profiles</source>
        <translation>Browserprofile</translation>
    </message>
    <message>
        <source>No metrics store.</source>
        <translation>Kein Metrikspeicher.</translation>
    </message>
    <message>
        <source>any</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Loading %1...</source>
        <translation>%1 wird geladen...</translation>
    </message>
    <message>
        <source>Query failed: %1</source>
        <translation>Abfrage fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>No data for %1 with these tags.</source>
        <translation>Keine Daten für %1 mit diesen Tags.</translation>
    </message>
    <message numerus="yes">
        <source>%n point(s), </source>
        <translation>
            <numerusform>%n Punkt, </numerusform>
            <numerusform>%n Punkte, </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change point(s)</source>
        <translation>
            <numerusform>%n Änderungspunkt</numerusform>
            <numerusform>%n Änderungspunkte</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> (%n regression(s)), </source>
        <translation>
            <numerusform> (%n Regression), </numerusform>
            <numerusform> (%n Regressionen), </numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n anomaly(ies); </source>
        <translation>
            <numerusform>%n Anomalie; </numerusform>
            <numerusform>%n Anomalien; </numerusform>
        </translation>
    </message>
    <message>
        <source>trend significant (p = %1)</source>
        <translation>Trend signifikant (p = %1)</translation>
    </message>
    <message>
        <source>no significant trend</source>
        <translation>kein signifikanter Trend</translation>
    </message>
    <message>
        <source>not enough history for a trend</source>
        <translation>zu wenig Verlauf für einen Trend</translation>
    </message>
    <message>
        <source>time (epoch ms, UTC)</source>
        <translation>Zeit (Epoch-ms, UTC)</translation>
    </message>
    <message>
        <source>point</source>
        <translation>Punkt</translation>
    </message>
    <message>
        <source>Export history</source>
        <translation>Verlauf exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>Export fehlgeschlagen: %1</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n row(s) to %1</source>
        <translation>
            <numerusform>%n Zeile nach %1 exportiert</numerusform>
            <numerusform>%n Zeilen nach %1 exportiert</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>accel::ui::HostsPanel</name>
    <message>
        <source>Add embedded host</source>
        <translation>Eingebetteten Host hinzufügen</translation>
    </message>
    <message>
        <source>Start one more QtWebEngine page hosting the runtime</source>
        <translation>Eine weitere QtWebEngine-Seite mit der Laufzeitumgebung starten</translation>
    </message>
    <message>
        <source>Launch browser</source>
        <translation>Browser starten</translation>
    </message>
    <message>
        <source>Chromium</source>
        <translation>Chromium</translation>
    </message>
    <message>
        <source>Firefox</source>
        <translation>Firefox</translation>
    </message>
    <message>
        <source>Edge</source>
        <translation>Edge</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Stop the selected hosts and start them again</source>
        <translation>Ausgewählte Hosts stoppen und erneut starten</translation>
    </message>
    <message>
        <source>restart</source>
        <translation>Neustart</translation>
    </message>
    <message>
        <source>Isolate</source>
        <translation>Isolieren</translation>
    </message>
    <message>
        <source>Force the breaker open: no work goes to the selected hosts</source>
        <translation>Schutzschalter zwangsweise öffnen: Die ausgewählten Hosts erhalten keine Arbeit</translation>
    </message>
    <message>
        <source>isolate</source>
        <translation>Isolieren</translation>
    </message>
    <message>
        <source>Reset breaker</source>
        <translation>Schutzschalter zurücksetzen</translation>
    </message>
    <message>
        <source>Close the breaker again (ends an isolation)</source>
        <translation>Schutzschalter wieder schließen (beendet eine Isolierung)</translation>
    </message>
    <message>
        <source>reset</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Drain</source>
        <translation>Auslaufen lassen</translation>
    </message>
    <message>
        <source>Take no new work; close when the current work is done</source>
        <translation>Keine neue Arbeit annehmen; schließen, sobald die laufende Arbeit erledigt ist</translation>
    </message>
    <message>
        <source>drain</source>
        <translation>Auslaufen lassen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Stop and remove the selected hosts now</source>
        <translation>Ausgewählte Hosts sofort stoppen und entfernen</translation>
    </message>
    <message>
        <source>close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Show host views</source>
        <translation>Host-Ansichten anzeigen</translation>
    </message>
    <message>
        <source>Starting %1 host %2</source>
        <translation>Host %2 (%1) wird gestartet</translation>
    </message>
    <message>
        <source>Could not start a %1 host: %2</source>
        <translation>Host vom Typ %1 konnte nicht gestartet werden: %2</translation>
    </message>
    <message>
        <source>Could not %1: %2</source>
        <translation>%1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Start a %1 host</source>
        <translation>Host vom Typ %1 starten</translation>
    </message>
    <message>
        <source>No %1 support in this build</source>
        <translation>Keine Unterstützung für %1 in diesem Build</translation>
    </message>
</context>
<context>
    <name>accel::ui::MainWindow</name>
    <message>
        <source>Accelerate Console</source>
        <translation>Accelerate Console</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Hosts</source>
        <translation>Hosts</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Shards</source>
        <translation>Shards</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>Cluster</translation>
    </message>
    <message>
        <source>Test runs</source>
        <translation>Testläufe</translation>
    </message>
    <message>
        <source>Browser shard hosts (embedded and launched browsers) with their capabilities, circuit breakers and health scores appear here.</source>
        <translation>Hier erscheinen die Browser-Shard-Hosts (eingebettete und gestartete Browser) mit ihren Fähigkeiten, Schutzschaltern und Gesundheitswerten.</translation>
    </message>
    <message>
        <source>Live health scores and circuit-breaker timelines for every host appear here.</source>
        <translation>Hier erscheinen live die Gesundheitswerte und Schutzschalter-Zeitleisten aller Hosts.</translation>
    </message>
    <message>
        <source>Model sharding plans and the shard configurator appear here.</source>
        <translation>Hier erscheinen die Aufteilungspläne der Modelle und der Shard-Konfigurator.</translation>
    </message>
    <message>
        <source>Performance history, trends, change points and forecasts appear here.</source>
        <translation>Hier erscheinen Leistungsverlauf, Trends, Änderungspunkte und Prognosen.</translation>
    </message>
    <message>
        <source>Coordinators, workers and etcd members appear here.</source>
        <translation>Hier erscheinen Koordinatoren, Worker und etcd-Mitglieder.</translation>
    </message>
    <message>
        <source>Distributed test runs, their progress and logs appear here.</source>
        <translation>Hier erscheinen verteilte Testläufe, ihr Fortschritt und ihre Protokolle.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Reset Layout</source>
        <translation>Anordnung &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>System default (%1)</source>
        <translation>Systemvorgabe (%1)</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>The new language is used the next time the console starts.</source>
        <translation>Die neue Sprache gilt ab dem nächsten Start der Konsole.</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Accelerate Console</source>
        <translation>Über &amp;Accelerate Console</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message numerus="yes">
        <source>%n host(s) connected</source>
        <translation>
            <numerusform>%n Host verbunden</numerusform>
            <numerusform>%n Hosts verbunden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n host(s) in pool</source>
        <translation>
            <numerusform>%n Host im Pool</numerusform>
            <numerusform>%n Hosts im Pool</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>accel::ui::PoolColors</name>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Half-open</source>
        <translation>Halboffen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Isolated</source>
        <translation>Isoliert</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Metrics only</source>
        <translation>Nur Metriken</translation>
    </message>
</context>
</TS>
