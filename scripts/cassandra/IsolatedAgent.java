package cassandratest;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * Test-only Java agent that starts another Java agent (the Jolokia 1.x JVM agent) in its own class loader.
 *
 * Why: the Jolokia 1.x and 2.x JVM agents share the class name org.jolokia.jvmagent.JvmAgent. Every
 * -javaagent jar is put on the system class path, so the first one wins: a 1.x jar given after a 2.x jar
 * silently starts a second 2.x agent (and the other way round). Loading the 1.x jar in a class loader whose
 * parent is the platform loader (it needs nothing but the JDK) keeps the two apart.
 *
 * Usage: -javaagent:isolated-agent.jar=<agent jar path>::<that agent's own option string>
 * Built by scripts/cassandra/harness.mjs with javac + jar from the JDK that runs Cassandra.
 */
public final class IsolatedAgent {
    private IsolatedAgent() {}

    public static void premain(String args, Instrumentation inst) throws Exception {
        start(args, inst, "premain");
    }

    public static void agentmain(String args, Instrumentation inst) throws Exception {
        start(args, inst, "agentmain");
    }

    private static void start(String args, Instrumentation inst, String entry) throws Exception {
        if (args == null || !args.contains("::")) {
            throw new IllegalArgumentException("IsolatedAgent: expected <jar>::<agent options>, got " + args);
        }
        int sep = args.indexOf("::");
        File jar = new File(args.substring(0, sep));
        String agentArgs = args.substring(sep + 2);
        String mainClass;
        try (java.util.jar.JarFile jf = new java.util.jar.JarFile(jar)) {
            mainClass = jf.getManifest().getMainAttributes().getValue("Premain-Class");
        }
        URLClassLoader loader = new URLClassLoader("isolated:" + jar.getName(), new URL[] {jar.toURI().toURL()},
                ClassLoader.getPlatformClassLoader());
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(loader);  // threads the agent starts inherit it
        try {
            Class<?> agent = Class.forName(mainClass, true, loader);
            Method m = agent.getMethod(entry, String.class, Instrumentation.class);
            m.invoke(null, agentArgs, inst);
        } finally {
            current.setContextClassLoader(previous);
        }
    }
}
