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
</TS>
