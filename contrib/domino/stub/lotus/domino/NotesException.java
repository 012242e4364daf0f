// Compile-only stub, never shipped or run: the members of the Domino Java API
// (lotus.domino in Notes.jar) that contrib/domino uses, written from HCL's Domino
// Designer Java reference (help.hcl-software.com/dom_designer/.../basic/H_*_JAVA.html).
// A wrong name or type in the bridge fails "make domino".  Build the add-in
// for a server against that server's own Notes.jar (contrib/domino/README).
package lotus.domino;

/** Real: extends org.omg.CORBA.UserException; id and text are public fields. */
public class NotesException extends Exception {
	private static final long serialVersionUID = 1L;
	public int id;
	public String text;

	public NotesException(int id, String text) {
		super(text);
		this.id = id;
		this.text = text;
	}
}
