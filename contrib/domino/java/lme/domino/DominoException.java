package lme.domino;

/**
 * A failure on the Domino side.  Passing failures (a database that does not
 * open, the server busy) are tried again; the others are about the input
 * and refuse it, with the importer's or exporter's log when there is one.
 */
public final class DominoException extends Exception {
	private static final long serialVersionUID = 1L;
	public final boolean passing;
	public final String log;

	public DominoException(boolean passing, String message, String log) {
		super(message);
		this.passing = passing;
		this.log = log == null ? "" : log;
	}

	public DominoException(boolean passing, String message) {
		this(passing, message, null);
	}
}
